package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.event.Tick;
import dev.metadb.store.MetaDatabase;
import dev.metadb.writer.Child;
import dev.metadb.writer.MetaDb;
import dev.metadb.writer.RecordResult;
import dev.metadb.writer.WriterChild;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metadb ingest} and {@code metadb status} as a user runs them: exit codes, messages, signals. */
class IngestCommandTest {
  private static final Duration START = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private String home() {
    return dir.resolve("home").toString();
  }

  @Test
  void sigtermMidBatchCommitsTheBatchAndExitsZeroWithinTwoSeconds() throws Exception {
    // One event first, so slot-00 exists and the ingester has it open (Chronicle loaded) on start.
    Child first = Child.start(WriterChild.class, home(), "1");
    assertEquals(0, first.await(START), first.err().toString());
    // A batch that never fills and never times out: only the stop can commit it.
    try (Child ingest = Child.start(Main.class, "ingest", "--home", home(), "--batch-size", "1000000", "--max-latency-ms", "3600000")) {
      assertTrue(ingest.awaitErr(l -> l.contains("running (pid " + ingest.pid() + ")"), START), ingest.err().toString());
      Child writer = Child.start(WriterChild.class, home(), "3000", "2");
      long deadline = System.nanoTime() + START.toNanos();
      while (writer.out().size() < 500) {
        assertTrue(System.nanoTime() < deadline, "writer is not writing: " + writer.err());
        Thread.sleep(10);
      }
      long signalled = System.nanoTime();
      // SIGTERM through the handle: Process.destroy() would also close our end of its stderr.
      assertTrue(ingest.process.toHandle().destroy());
      assertEquals(0, ingest.await(Duration.ofSeconds(10)), ingest.err().toString());
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
      // The 2 s bound is the ingester's own, signal to final commit, as it reports it; the whole
      // process's exit adds JVM teardown, which on a loaded CI machine is not ours to bound.
      long reported = stoppedMillis(ingest.err());
      assertTrue(reported >= 0 && reported < 2_000, "stopped " + reported + " ms after the signal: " + ingest.err());
      assertTrue(tookMillis < 10_000, "exit took " + tookMillis + " ms");
      long committed = stoppedCount(ingest.err());
      assertTrue(committed > 0, "the batch in hand was not committed: " + ingest.err());
      assertEquals(committed, rows(), "rows committed by the stop");
      assertEquals(0, writer.await(START), writer.err().toString());
      Set<String> acknowledged = acknowledged(writer.out());
      acknowledged.addAll(acknowledged(first.out()));

      CommandRun rest = CommandRun.of("ingest", "--once", "--home", home());
      assertEquals(0, rest.exit(), rest.err());
      assertEquals(acknowledged.size(), rows());
      assertEquals(acknowledged, eventIds());
      System.out.printf("SIGTERM test: exit 0 after %d ms with %d of %d events committed by the stop%n",
          tookMillis, committed, acknowledged.size());
    }
  }

  @Test
  void sigtermWhileAnotherProcessHoldsTheWriteLockStillExitsWithinTwoSecondsAndLosesNothing() throws Exception {
    Child first = Child.start(WriterChild.class, home(), "1");
    assertEquals(0, first.await(START), first.err().toString());
    try (Child ingest = Child.start(Main.class, "ingest", "--home", home(), "--max-latency-ms", "10")) {
      assertTrue(ingest.awaitErr(l -> l.contains("running (pid"), START), ingest.err().toString());
      awaitRows(1);
      Child writer;
      try (Connection holder = DriverManager.getConnection("jdbc:sqlite:" + Path.of(home(), "meta.db"));
          Statement s = holder.createStatement()) {
        s.execute("BEGIN IMMEDIATE");
        writer = Child.start(WriterChild.class, home(), "100");
        assertEquals(0, writer.await(START), writer.err().toString());
        // The ingester has taken the 100 entries and waits inside SQLite's 10 s busy timeout.
        Thread.sleep(500);
        long signalled = System.nanoTime();
        assertTrue(ingest.process.toHandle().destroy());
        assertEquals(0, ingest.await(Duration.ofSeconds(10)), ingest.err().toString());
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
        assertTrue(ingest.err().stream().anyMatch(l -> l.contains("stopping without it")), ingest.err().toString());
        long reported = stoppedMillis(ingest.err());
        assertTrue(reported >= 0 && reported < 2_000, "gave up " + reported + " ms after the signal: " + ingest.err());
        assertTrue(tookMillis < 10_000, "exit took " + tookMillis + " ms");
        s.execute("ROLLBACK");
      }
      assertEquals(1, rows());
      CommandRun rest = CommandRun.of("ingest", "--once", "--home", home());
      assertEquals(0, rest.exit(), rest.err());
      Set<String> acknowledged = acknowledged(first.out());
      acknowledged.addAll(acknowledged(writer.out()));
      assertEquals(acknowledged, eventIds());
    }
  }

  @Test
  void sigintStopsTooAndASecondIngesterIsRefused() throws Exception {
    try (Child ingest = Child.start(Main.class, "ingest", "--home", home())) {
      assertTrue(ingest.awaitErr(l -> l.contains("running (pid"), START), ingest.err().toString());
      CommandRun second = CommandRun.of("ingest", "--once", "--home", home());
      assertEquals(1, second.exit());
      assertEquals("metadb ingest: another ingester (pid " + ingest.pid() + ") is running", second.err().strip().lines().findFirst().orElse(""));
      assertTrue(second.err().contains("hint: one ingester per home"), second.err());

      CommandRun status = CommandRun.of("status", "--json", "--home", home());
      assertEquals(0, status.exit(), status.err());
      JsonNode json = JSON.readTree(status.out());
      assertEquals(ingest.pid(), json.get("ingester_pid").asLong());
      assertEquals(dev.metadb.store.Schema.VERSION, json.get("schema_version").asInt());

      assertFalse(ignoresSigint(ingest.pid()), "the ingester inherited SIGINT ignored (the build runs as a"
          + " background job of a non-interactive shell, which ignores SIGINT for it): run the tests in the foreground");
      long signalled = System.nanoTime();
      assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(ingest.pid())).start().waitFor());
      assertEquals(0, ingest.await(Duration.ofSeconds(10)), ingest.err().toString());
      assertTrue(System.nanoTime() - signalled < TimeUnit.SECONDS.toNanos(2));
    }
    CommandRun status = CommandRun.of("status", "--home", home());
    assertEquals(0, status.exit(), status.err());
    assertTrue(status.out().contains("ingester      not running"), status.out());
  }

  @Test
  void aNewerSchemaIsRefusedWithExitThree() throws Exception {
    try (MetaDatabase db = MetaDatabase.open(Path.of(home(), "meta.db"));
        Statement s = db.connection().createStatement()) {
      s.execute("PRAGMA user_version = 9");
    }
    CommandRun ingest = CommandRun.of("ingest", "--once", "--home", home());
    assertEquals(3, ingest.exit());
    assertEquals("metadb ingest: meta.db schema v9 is newer than this metadb (v" + dev.metadb.store.Schema.VERSION + ")", ingest.err().strip().lines().findFirst().orElse(""));
    assertTrue(ingest.err().contains("hint: a newer metadb has upgraded this meta.db"), ingest.err());
    CommandRun status = CommandRun.of("status", "--home", home());
    assertEquals(3, status.exit());
    assertEquals("metadb status: meta.db schema v9 is newer than this metadb (v" + dev.metadb.store.Schema.VERSION + ")", status.err().strip().lines().findFirst().orElse(""));
  }

  @Test
  void aMetaDbThatIsNotADatabaseIsLeftAloneWithExitOne() throws Exception {
    Path file = Files.createDirectories(Path.of(home())).resolve("meta.db");
    byte[] content = "important notes, not a database\n".repeat(100).getBytes(StandardCharsets.UTF_8);
    Files.write(file, content);
    CommandRun ingest = CommandRun.of("ingest", "--once", "--home", home());
    assertEquals(1, ingest.exit());
    assertTrue(ingest.err().contains(file + " is not a SQLite database; nothing was written to it"), ingest.err());
    assertEquals(1, CommandRun.of("status", "--home", home()).exit());
    assertArrayEquals(content, Files.readAllBytes(file));
  }

  @Test
  void badOptionsExitTwoAndHelpShowsExamples() {
    CommandRun bad = CommandRun.of("ingest", "--once", "--batch-size", "0", "--home", home());
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("--batch-size must be between 1 and 1000000, got 0"), bad.err());
    for (String command : List.of("ingest", "status")) {
      CommandRun help = CommandRun.of(command, "--help");
      assertEquals(0, help.exit());
      assertTrue(help.out().contains("Examples:") && help.out().contains("metadb " + command), help.out());
    }
  }

  private static long stoppedMillis(List<String> stderr) {
    Pattern stopped = Pattern.compile("(?:stopped|stopping without it) (\\d+) ms after the signal");
    for (String line : stderr) {
      Matcher m = stopped.matcher(line);
      if (m.find()) {
        return Long.parseLong(m.group(1));
      }
    }
    return -1;
  }

  private static long stoppedCount(List<String> stderr) {
    Pattern stopped = Pattern.compile("stopped[^:]*: ingested (\\d+) entries");
    for (String line : stderr) {
      Matcher m = stopped.matcher(line);
      if (m.find()) {
        return Long.parseLong(m.group(1));
      }
    }
    return -1;
  }

  private static Set<String> acknowledged(List<String> writerOut) {
    Set<String> ids = new HashSet<>();
    for (String line : writerOut) {
      if (line.startsWith("QUEUED ")) {
        ids.add(line.substring(7));
      }
    }
    return ids;
  }

  private void awaitRows(long rows) throws Exception {
    long deadline = System.nanoTime() + START.toNanos();
    while (!Files.exists(Path.of(home(), "meta.db")) || rows() < rows) {
      assertTrue(System.nanoTime() < deadline, "rows did not reach " + rows);
      Thread.sleep(20);
    }
  }

  private long rows() throws Exception {
    return eventIds().size();
  }

  private Set<String> eventIds() throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + Path.of(home(), "meta.db"));
        Statement s = c.createStatement()) {
      long total = 0;
      for (String table : List.of("ticks", "messages")) {
        try (ResultSet rs = s.executeQuery("SELECT event_id FROM " + table)) {
          while (rs.next()) {
            ids.add(rs.getString(1));
            total++;
          }
        }
      }
      assertEquals(total, ids.size(), "an event_id stored twice");
    }
    return ids;
  }

  @Test
  void aDamagedCycleFileFailsIngestOnceAndStatusShowsTheSlotRetired() throws Exception {
    Path home = dir.resolve("home");
    try (MetaDb db = MetaDb.open(home)) {
      for (int i = 0; i < 10; i++) {
        assertEquals(RecordResult.Status.QUEUED, db.record(new Tick("damage-" + i, null)).status());
      }
    }
    Path cycle;
    try (var files = Files.list(home.resolve("queue/slot-00"))) {
      cycle = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
    }
    // Zero the header of the fifth entry: Chronicle's tailer would wait there for ever.
    String text = new String(Files.readAllBytes(cycle), StandardCharsets.ISO_8859_1);
    try (FileChannel ch = FileChannel.open(cycle, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(4), text.lastIndexOf("{\"event_id\"", text.indexOf("damage-4")) - 4);
    }
    CommandRun ingest = CommandRun.of("ingest", "--once", "--home", home.toString());
    assertEquals(1, ingest.exit(), ingest.err());
    assertTrue(ingest.err().contains("metadb ingest: slot-00: damaged: "), ingest.err());
    assertTrue(ingest.err().contains("damaged queue files"), ingest.err());
    CommandRun status = CommandRun.of("status", "--json", "--home", home.toString());
    assertEquals(0, status.exit(), status.err());
    JsonNode slot = JSON.readTree(status.out()).path("slots").get(0);
    assertTrue(slot.path("retired").asText().contains("Chronicle cannot read past it"), slot.toString());
    assertEquals(0, slot.path("lag_entries").asLong(), slot.toString());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("meta.db"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM ticks")) {
      assertEquals(10, rs.getLong(1), "the entry behind the zeroed header is recovered");
    }
    CommandRun again = CommandRun.of("ingest", "--once", "--home", home.toString());
    assertEquals(0, again.exit(), "a retired slot that is fully read fails no later run: " + again.err());
  }

  /** Whether process {@code pid} ignores SIGINT (bit 2 of SigIgn in /proc/PID/status). */
  private static boolean ignoresSigint(long pid) throws Exception {
    String ignored = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
        .filter(l -> l.startsWith("SigIgn:")).findFirst().orElseThrow().substring("SigIgn:".length()).strip();
    return (Long.parseLong(ignored, 16) & (1L << 1)) != 0;
  }
}
