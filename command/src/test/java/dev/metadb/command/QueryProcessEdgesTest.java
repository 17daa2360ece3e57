package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Timestamps;
import dev.metadb.store.Schema;
import dev.metadb.writer.Child;
import dev.metadb.writer.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metadb query} processes at the sandbox's edges, as real processes: a query that needs more
 * memory than DuckDB may use writes nothing where it was started (no spill directory), and a query
 * suspended with SIGSTOP while it holds a table's snapshot lock does not hang the next query of
 * that table.
 */
class QueryProcessEdgesTest {
  private static final Duration HANG = Duration.ofSeconds(120);
  private static final int ROWS = 300_000;

  @TempDir Path dir;

  /** A home whose messages table holds {@link #ROWS} rows with distinct 200-byte bodies. */
  private Path homeWithRows() throws Exception {
    Path home = dir.resolve("home");
    Files.createDirectories(home);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("meta.db")); Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      for (String ddl : Schema.createAll()) {
        st.execute(ddl);
      }
      st.execute("PRAGMA user_version=" + Schema.VERSION);
      c.setAutoCommit(false);
      String filler = "x".repeat(190);
      String ts = Timestamps.format(Instant.parse("2026-11-25T00:00:00Z"));
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO messages (event_id, ts_utc, host, pid, ingested_at,"
          + " source, direction, body) VALUES (?, ?, 'h', 1, ?, 'bus', 'inbound', ?)")) {
        for (int i = 0; i < ROWS; i++) {
          insert.setString(1, "e" + i);
          insert.setString(2, ts);
          insert.setString(3, ts);
          insert.setString(4, i + filler);
          insert.addBatch();
        }
        insert.executeBatch();
      }
      c.commit();
    }
    return home;
  }

  @Test
  void aQueryOverDuckDbsMemoryLimitFailsWithoutWritingWhereItRuns() throws Exception {
    Path home = homeWithRows();
    String sql = "SELECT count(*) AS groups FROM (SELECT body, count(*) FROM messages GROUP BY body)";
    Path cwd = Files.createDirectory(dir.resolve("cwd"));
    Result unlimited = runIn(cwd, Map.of(), "query", "--home", home.toString(), "--format", "csv", sql);
    assertEquals(0, unlimited.exit, unlimited.err);
    assertTrue(unlimited.out.contains(String.valueOf(ROWS)), unlimited.out);

    Result starved = runIn(cwd, Map.of("JAVA_TOOL_OPTIONS", "-Dmetadb.duckdb.memoryLimit=16MB"),
        "query", "--home", home.toString(), "--format", "csv", sql);
    assertEquals(1, starved.exit, "a query DuckDB would have spilled fails cleanly: " + starved.out + starved.err);
    assertTrue(starved.err.toLowerCase().contains("memory"), starved.err);
    try (Stream<Path> written = Files.list(cwd)) {
      assertEquals(List.of(), written.toList(), "nothing written in the working directory");
    }
  }

  @Test
  void aQuerySuspendedHoldingTheSnapshotLockDoesNotHangTheNext() throws Exception {
    Path home = homeWithRows();
    String sql = "SELECT count(*) AS n FROM messages";
    Path lockFile = home.resolve("snapshots/messages.lock");
    try (Child holder = Child.start(Main.class, "query", "--home", home.toString(), "--format", "csv", sql)) {
      // Stop it while it holds the lock: its first snapshot of 300k rows takes a while to build.
      long deadline = System.nanoTime() + HANG.toNanos();
      while (!holdsLock(holder.pid(), lockFile)) {
        assertTrue(holder.process.isAlive(), "the first query ended before it was seen holding the lock: " + holder.err());
        assertTrue(System.nanoTime() < deadline, "never saw the lock held");
        Thread.onSpinWait();
      }
      signal("STOP", holder.pid());
      try (Child next = Child.start(Main.class, "query", "--home", home.toString(), "--format", "csv", sql)) {
        assertEquals(0, next.await(HANG), next.err().toString());
        assertEquals(List.of("n", String.valueOf(ROWS)), next.out());
        assertTrue(String.join("\n", next.err()).contains("messages.lock"), "says what it waited for: " + next.err());
      } finally {
        signal("CONT", holder.pid());
      }
      assertEquals(0, holder.await(HANG), holder.err().toString());
      assertEquals(List.of("n", String.valueOf(ROWS)), holder.out());
    }
  }

  /** Whether {@code pid} holds a POSIX lock on {@code file} now (/proc/locks names pid and inode). */
  private static boolean holdsLock(long pid, Path file) throws Exception {
    if (!Files.exists(file)) {
      return false;
    }
    long inode = (Long) Files.getAttribute(file, "unix:ino");
    for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 5 && f[4].equals(String.valueOf(pid)) && f[5].endsWith(":" + inode)) {
        return true;
      }
    }
    return false;
  }

  private static void signal(String name, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + name);
  }

  private record Result(int exit, String out, String err) {}

  private static Result runIn(Path cwd, Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = ChildJvm.builder(Main.class, env, args).directory(cwd.toFile());
    Path out = Files.createTempFile("query-out", ".txt");
    Path err = Files.createTempFile("query-err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(HANG.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("query still running after " + HANG);
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
