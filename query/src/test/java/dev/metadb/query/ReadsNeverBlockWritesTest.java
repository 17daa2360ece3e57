package dev.metadb.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metadb.event.Table;
import dev.metadb.writer.Child;
import dev.metadb.writer.Home;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarantee 5: query opens meta.db read-only. It never changes the file, it runs while another
 * connection holds the write lock, and an ingester committing continuously in another process is
 * never made to wait and never sees an error while queries and exports run.
 */
class ReadsNeverBlockWritesTest {
  static final Instant START = Instant.parse("2026-11-25T00:00:00Z");

  @TempDir Path dir;

  @Test
  void queriesWhileAnotherProcessCommitsContinuously() throws Exception {
    Home home = TestDb.create(dir.resolve("home"));
    try (Connection c = TestDb.open(home)) {
      TestDb.insert(c, Table.MESSAGES, TestDb.rows(Table.MESSAGES, START, 5000, new Random(4)));
    }
    Path stop = dir.resolve("stop");
    Child writer = startWriter(home.metaDb(), stop);
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    AtomicLong queries = new AtomicLong();
    String writerReport;
    long before;
    long after;
    try {
      waitForRows(home, 5000 + 5);
      before = count(home);
      ExecutorService readers = Executors.newFixedThreadPool(2);
      try {
        List<Future<?>> running = new ArrayList<>();
        running.add(readers.submit(() -> incrementalQueries(home, errors, queries)));
        running.add(readers.submit(() -> directQueriesAndExports(home, dir.resolve("exports"), errors, queries)));
        for (Future<?> f : running) {
          f.get(5, TimeUnit.MINUTES);
        }
      } finally {
        readers.shutdownNow();
      }
      after = count(home);
    } finally {
      Files.writeString(stop, "stop");
      assertEquals(0, writer.await(Duration.ofSeconds(60)), "the writer stops: " + writer.err());
      writerReport = String.join("\n", writer.out()).trim();
      System.out.println("writer: " + writerReport + " " + writer.err() + "; reads: " + queries.get());
    }
    assertEquals(List.of(), errors, "read errors");
    assertTrue(writerReport.matches("commits=\\d+ busy=0 max_commit_ms=\\d+"), "the writer never waited: " + writerReport);
    assertTrue(after > before, "the writer kept committing while the reads ran: " + before + " -> " + after);
    assertTrue(queries.get() == 60, "reads ran: " + queries.get());
  }

  private static void incrementalQueries(Home home, List<String> errors, AtomicLong queries) {
    long last = 0;
    try (QueryEngine engine = TestDb.engine(home, new ArrayList<>())) {
      for (int i = 0; i < 20; i++) {
        try {
          JsonNode row = TestDb.queryJson(engine, "SELECT count(*) AS n, max(id) AS hi, count(DISTINCT event_id) AS ids FROM messages")
              .path("rows").get(0);
          long n = row.path("n").asLong();
          if (n < last || n != row.path("hi").asLong() || n != row.path("ids").asLong()) {
            errors.add("inconsistent snapshot: " + row + " after " + last);
          }
          last = n;
          TestDb.queryJson(engine, "SELECT source, count(*) FROM messages GROUP BY source",
              new TimeWindow(START.plusSeconds(1), null));
          queries.addAndGet(2);
        } catch (Exception e) {
          errors.add("incremental: " + e);
        }
      }
    } catch (Exception e) {
      errors.add("incremental engine: " + e);
    }
  }

  private static void directQueriesAndExports(Home home, Path exports, List<String> errors, AtomicLong queries) {
    try (QueryEngine engine = QueryEngine.open(home, QueryEngine.SnapshotMode.DIRECT, errors::add)) {
      for (int i = 0; i < 10; i++) {
        try {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          engine.query("SELECT count(*) FROM messages", TimeWindow.ALL, ResultFormat.CSV, out);
          Exporter.export(home, exports, List.of(Table.MESSAGES), START.plusSeconds(4), line -> {});
          queries.addAndGet(2);
        } catch (Exception e) {
          errors.add("direct: " + e);
        }
      }
    } catch (Exception e) {
      errors.add("direct engine: " + e);
    }
  }

  /**
   * Two query processes and a writer process on one home: both processes extend the same
   * snapshot files (taking turns on the table lock), every answer is consistent, and the result
   * equals SQLite's.
   */
  @Test
  void queryProcessesShareTheSnapshotWhileTheWriterCommits() throws Exception {
    Home home = TestDb.create(dir.resolve("home"));
    try (Connection c = TestDb.open(home)) {
      TestDb.insert(c, Table.MESSAGES, TestDb.rows(Table.MESSAGES, START, 2000, new Random(5)));
    }
    Path stop = dir.resolve("stop");
    Child writer = startWriter(home.metaDb(), stop);
    List<Child> queriers = new ArrayList<>();
    try {
      waitForRows(home, 2000 + 5);
      for (int i = 0; i < 2; i++) {
        queriers.add(Child.start(QueryChild.class, home.dir().toString(), "15"));
      }
      for (Child querier : queriers) {
        assertEquals(0, querier.await(Duration.ofMinutes(5)), "a query process finishes: " + querier.err());
        assertEquals(List.of("ok 15"), querier.out(), querier.err().toString());
      }
    } finally {
      Files.writeString(stop, "stop");
      assertEquals(0, writer.await(Duration.ofSeconds(60)), "the writer stops: " + writer.err());
      for (Child querier : queriers) {
        querier.close();
      }
    }
    String report = String.join("\n", writer.out()).trim();
    assertTrue(report.matches("commits=\\d+ busy=0 max_commit_ms=\\d+"), report);
    try (QueryEngine engine = TestDb.engine(home, new ArrayList<>())) {
      assertEquals(count(home), countVia(engine));
    }
  }

  @Test
  void aQueryRunsWhileAnotherConnectionHoldsTheWriteLockAndNeverChangesTheFile() throws Exception {
    Home home = TestDb.create(dir.resolve("home"));
    try (Connection c = TestDb.open(home); Statement st = c.createStatement()) {
      TestDb.insert(c, Table.MESSAGES, TestDb.rows(Table.MESSAGES, START, 100, new Random(6)));
      st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    String digest = sha256(home.metaDb());
    long modified = Files.getLastModifiedTime(home.metaDb()).toMillis();
    try (QueryEngine engine = TestDb.engine(home, new ArrayList<>())) {
      assertEquals(100, countVia(engine));
      assertEquals(100, countVia(engine));
      assertEquals(digest, sha256(home.metaDb()), "queries do not change meta.db");
      assertEquals(modified, Files.getLastModifiedTime(home.metaDb()).toMillis());
      Exporter.export(home, dir.resolve("export"), List.of(Table.values()), null, line -> {});
      assertEquals(digest, sha256(home.metaDb()), "exports do not change meta.db");
      Path wal = Path.of(home.metaDb() + "-wal");
      assertTrue(!Files.exists(wal) || Files.size(wal) == 0, "nothing was written to the WAL either");

      try (Connection writer = TestDb.open(home); Statement st = writer.createStatement()) {
        st.execute("PRAGMA busy_timeout=0");
        st.execute("BEGIN IMMEDIATE");
        TestDb.insertInOpenTransaction(writer, Table.MESSAGES, TestDb.rows(Table.MESSAGES, START.plusSeconds(1), 10, new Random(8)));
        assertEquals(100, countVia(engine), "the query runs under a held write lock and sees committed rows only");
        st.execute("COMMIT");
      }
      assertEquals(110, countVia(engine));
    }
  }

  private static long countVia(QueryEngine engine) throws Exception {
    return TestDb.queryJson(engine, "SELECT count(*) AS n FROM messages").path("rows").get(0).path("n").asLong();
  }

  private static Child startWriter(Path metaDb, Path stop) throws Exception {
    return Child.start(CommitLoopChild.class, metaDb.toString(), stop.toString());
  }

  private static void waitForRows(Home home, long rows) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (count(home) < rows) {
      assertTrue(System.nanoTime() < deadline, "the writer did not start committing");
      Thread.sleep(20);
    }
  }

  private static long count(Home home) throws Exception {
    try (Connection c = TestDb.open(home); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM messages")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
