package dev.metadb.ingester;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.event.Table;
import dev.metadb.ingester.lines.Quarantine;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingester tailing {@code <home>/inbox/} in this JVM, over real files and a real meta.db. */
class InboxTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private final List<String> log = new CopyOnWriteArrayList<>();
  private final ExecutorService runner = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopRunner() {
    runner.shutdownNow();
  }

  private Home home() {
    return new Home(dir.resolve("home"));
  }

  private Path inbox(String name) throws IOException {
    Path inbox = home().dir().resolve("inbox");
    Files.createDirectories(inbox);
    return inbox.resolve(name);
  }

  private static String today() {
    return LocalDate.now(ZoneOffset.UTC).toString();
  }

  private static IngestOptions options() {
    return new IngestOptions(100, Duration.ofMillis(20), 7, false);
  }

  /** The writers' rule: one write of "\n" + line + "\n" on an O_APPEND descriptor. */
  static void record(Path file, String json) throws IOException {
    append(file, "\n" + json + "\n");
  }

  static void append(Path file, String text) throws IOException {
    Files.write(file, text.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  static String tick(String source) {
    return "{\"table\":\"ticks\",\"data\":{\"source\":\"" + source + "\"}}";
  }

  private long rows(String sql) throws Exception {
    return Sql.count(home().metaDb(), sql);
  }

  private List<JsonNode> rejects(Path source) throws IOException {
    Path file = Quarantine.rejectsFile(home().quarantineDir(), source);
    List<JsonNode> entries = new ArrayList<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        entries.add(JSON.readTree(line));
      }
    }
    return entries;
  }

  @Test
  void takesCompleteLinesOnceQuarantinesBadOnesAndWaitsForAPartialTail() throws Exception {
    Path file = inbox("cli-" + today() + ".jsonl");
    String withId = "{\"event_id\":\"0193a1c2-0000-7000-8000-000000000001\",\"table\":\"ticks\","
        + "\"ts_utc\":\"2026-11-25T02:44:00.123456Z\",\"host\":\"box\",\"pid\":7,\"data\":{\"source\":\"with-id\"}}";
    record(file, withId);                                     // lines 1-2
    record(file, tick("no-id"));                              // 3-4
    record(file, tick("no-id"));                              // 5-6: the same line again is another event
    record(file, "{\"table\":\"ticks\",\"data\":{\"source\":");   // 7-8: garbage
    record(file, "{\"table\":\"no_such\",\"data\":{}}");          // 9-10
    append(file, "\n" + tick("partial").substring(0, 20));    // 11 + a partial tail
    try (Ingester ingester = Ingester.open(home(), options(), log::add)) {
      IngestStats stats = ingester.drain();
      assertEquals(3, stats.inserted(), stats.toString());
    }
    assertEquals(3, rows("SELECT count(*) FROM ticks"));
    assertEquals(2, rows("SELECT count(*) FROM ticks WHERE source = 'no-id'"), "two appends of one line: two events");
    assertEquals("box", Sql.text(Sql.connect(home().metaDb()), "SELECT host FROM ticks WHERE source = 'with-id'"));
    assertEquals(1, rows("SELECT count(*) FROM ticks WHERE event_id = '0193a1c2-0000-7000-8000-000000000001'"));
    List<JsonNode> rejects = rejects(file);
    assertEquals(2, rejects.size(), rejects.toString());
    assertEquals(8, rejects.get(0).get("line").intValue());
    assertTrue(rejects.get(0).get("reason").asText().contains("not valid JSON"), rejects.get(0).toString());
    assertEquals(10, rejects.get(1).get("line").intValue());
    assertTrue(rejects.get(1).get("reason").asText().contains("no_such"), rejects.get(1).toString());
    assertEquals(file.toString(), rejects.get(0).get("source").asText());

    // The partial tail completes; a restart resumes after the checkpoint: nothing twice.
    append(file, tick("partial").substring(20) + "\n");
    record(file, tick("after"));
    try (Ingester ingester = Ingester.open(home(), options(), log::add)) {
      IngestStats stats = ingester.drain();
      assertEquals(2, stats.inserted(), stats.toString());
      assertEquals(0, stats.duplicates(), stats.toString());
    }
    assertEquals(5, rows("SELECT count(*) FROM ticks"));
    assertEquals(1, rows("SELECT count(*) FROM ticks WHERE source = 'partial'"));
    assertEquals(2, rejects(file).size(), "no reject written twice");
    assertEquals(Files.size(file), rows("SELECT byte_offset FROM replay_ledger WHERE file = '" + file + "'"));
    assertEquals(5, rows("SELECT lines_applied FROM replay_ledger WHERE file = '" + file + "'"));
    assertEquals(2, rows("SELECT lines_quarantined FROM replay_ledger WHERE file = '" + file + "'"));
  }

  @Test
  void aLineWithoutTsIsStampedWhenReadAndKeepsItsIdWhenReadAgain() throws Exception {
    Path file = inbox("sh-" + today() + ".jsonl");
    Instant before = Instant.now();
    record(file, tick("stamped"));
    try (Ingester ingester = Ingester.open(home(), options(), log::add)) {
      ingester.drain();
    }
    String id;
    try (Connection c = Sql.connect(home().metaDb())) {
      Instant ts = Instant.parse(Sql.text(c, "SELECT ts_utc FROM ticks"));
      assertFalse(ts.isBefore(before.minusSeconds(1)), ts + " stamped at read time, after " + before);
      id = Sql.text(c, "SELECT event_id FROM ticks");
      Sql.exec(c, "DELETE FROM replay_ledger");
    }
    // The ledger lost: the file is read again from its start; the line keeps its derived id.
    try (Ingester ingester = Ingester.open(home(), options(), log::add)) {
      IngestStats stats = ingester.drain();
      assertEquals(new IngestStats(1, 0, 1, 0, stats.batches(), 0, 0), stats);
    }
    try (Connection c = Sql.connect(home().metaDb())) {
      assertEquals(id, Sql.text(c, "SELECT event_id FROM ticks"));
    }
  }

  /**
   * A file holding many batches, nothing appended after: drain takes it all, and so does a
   * running ingester (a take that stopped at a full batch leaves complete lines in the reader's
   * buffer; the unchanged file size must not make them wait for the next append).
   */
  @Test
  void aFileOfManyBatchesIsTakenWholeWithoutFurtherAppends() throws Exception {
    append(inbox("many-" + today() + ".jsonl"), records("d", 1050));
    try (Ingester ingester = Ingester.open(home(), options(), log::add)) {
      assertEquals(1050, ingester.drain().inserted());
    }
    try (Ingester ingester = Ingester.open(home(), options(), log::add)) {
      Future<IngestStats> run = runner.submit(ingester::run);
      append(inbox("live-" + today() + ".jsonl"), records("l", 1050));
      awaitRows(2100);
      ingester.stop();
      run.get(30, TimeUnit.SECONDS);
    }
  }

  private static String records(String prefix, int n) {
    StringBuilder records = new StringBuilder();
    for (int i = 0; i < n; i++) {
      records.append('\n').append(tick(prefix + i)).append('\n');
    }
    return records.toString();
  }

  @Test
  void aRunningIngesterFindsNewFilesAndLinesQuickly() throws Exception {
    try (Ingester ingester = Ingester.open(home(), options(), log::add)) {
      Future<IngestStats> run = runner.submit(ingester::run);
      Path a = inbox("a-" + today() + ".jsonl");
      Path b = inbox("b-" + today() + ".jsonl");
      for (int i = 0; i < 20; i++) {
        record(a, tick("a" + i));
        record(b, tick("b" + i));
      }
      awaitRows(40);
      append(a, "\n" + tick("torn").substring(0, 10));   // a writer killed mid-line
      record(a, tick("after-torn"));                    // the next writer's leading \n ends the fragment
      awaitRows(41);
      ingester.stop();
      run.get(30, TimeUnit.SECONDS);
    }
    assertEquals(1, rows("SELECT count(*) FROM ticks WHERE source = 'after-torn'"));
    List<JsonNode> rejects = rejects(inbox("a-" + today() + ".jsonl"));
    assertEquals(1, rejects.size(), rejects.toString());
    assertTrue(rejects.get(0).get("reason").asText().contains("not valid JSON"), rejects.get(0).toString());
    assertEquals(tick("torn").substring(0, 10), rejects.get(0).get("raw").asText());
  }

  @Test
  void renamedTruncatedReplacedAndDeletedFilesUnderARunningIngester() throws Exception {
    IngestOptions options = options().withSettle(Duration.ofMillis(300));
    Path renamed = inbox("ren-" + today() + ".jsonl");
    Path truncated = inbox("trunc-" + today() + ".jsonl");
    Path replaced = inbox("repl-" + today() + ".jsonl");
    Path deleted = inbox("del-" + today() + ".jsonl");
    try (Ingester ingester = Ingester.open(home(), options, log::add)) {
      Future<IngestStats> run = runner.submit(ingester::run);
      for (int i = 0; i < 5; i++) {
        record(renamed, tick("ren" + i));
        record(truncated, tick("trunc" + i));
        record(replaced, tick("repl" + i));
        record(deleted, tick("del" + i));
      }
      awaitRows(20);

      Path newName = inbox("ren2-" + today() + ".jsonl");
      Files.move(renamed, newName);
      record(newName, tick("ren-after"));
      awaitRows(21);

      Files.write(truncated, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
      record(truncated, tick("trunc-after"));
      awaitRows(22);

      Path other = inbox("repl.tmp");
      record(other, tick("repl-new"));
      Files.move(other, replaced, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      awaitRows(23);

      // Deleted with a line it had not yet taken? It is read through the open file.
      record(deleted, tick("del-last"));
      Files.delete(deleted);
      awaitRows(24);
      await(() -> log.stream().anyMatch(l -> l.contains("del-") && l.contains("read to its end")), "deleted file closed");
      ingester.stop();
      run.get(30, TimeUnit.SECONDS);
    }
    for (String source : List.of("ren", "trunc", "repl", "del")) {
      assertEquals(5, rows("SELECT count(*) FROM ticks WHERE source LIKE '" + source + "_'"), source);
    }
    for (String source : List.of("ren-after", "trunc-after", "repl-new", "del-last")) {
      assertEquals(1, rows("SELECT count(*) FROM ticks WHERE source = '" + source + "'"), source);
    }
    assertEquals(24, rows("SELECT count(*) FROM ticks"));
    assertTrue(log.stream().anyMatch(l -> l.contains("was renamed to inbox/ren2-")), log.toString());
    assertTrue(log.stream().anyMatch(l -> l.contains("trunc-") && l.contains("truncated")), log.toString());
    assertTrue(log.stream().anyMatch(l -> l.contains("repl-") && l.contains("replaced")), log.toString());

    // A restart reads nothing twice.
    try (Ingester ingester = Ingester.open(home(), options, log::add)) {
      IngestStats stats = ingester.drain();
      assertEquals(0, stats.inserted() + stats.duplicates(), stats.toString());
    }
  }

  @Test
  void aFileDeletedWhileNoIngesterRanIsReportedWithWhatWasApplied() throws Exception {
    Path file = inbox("gone-" + today() + ".jsonl");
    record(file, tick("g1"));
    record(file, tick("g2"));
    try (Ingester ingester = Ingester.open(home(), options(), log::add)) {
      ingester.drain();
    }
    Files.delete(file);
    try (Ingester ingester = Ingester.open(home(), options(), log::add)) {
      ingester.drain();
    }
    assertTrue(log.stream().anyMatch(l -> l.contains("inbox/gone-") && l.contains("is gone") && l.contains("2 lines were applied")), log.toString());
    log.clear();
    try (Ingester ingester = Ingester.open(home(), options(), log::add)) {
      ingester.drain();
    }
    assertFalse(log.stream().anyMatch(l -> l.contains("is gone")), "reported once: " + log);
  }

  @Test
  void finishedFilesMoveToDoneWithTheirTornTailQuarantined() throws Exception {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Path yesterday = inbox("cli-" + today.minusDays(1) + ".jsonl");
    record(yesterday, tick("y1"));
    append(yesterday, "\n{\"table\":\"ticks\",\"da");
    Files.setLastModifiedTime(yesterday, FileTime.from(Instant.now().minusSeconds(3600)));
    Path current = inbox("cli-" + today + ".jsonl");
    record(current, tick("t1"));
    Path done = home().dir().resolve("inbox/done");

    try (Ingester ingester = Ingester.open(home(), options().withSettle(Duration.ofSeconds(5)), log::add)) {
      Future<IngestStats> run = runner.submit(ingester::run);
      await(() -> Files.exists(done.resolve(yesterday.getFileName())), "yesterday's file moved to done/: " + log);
      ingester.stop();
      run.get(30, TimeUnit.SECONDS);
    }
    assertFalse(Files.exists(yesterday));
    assertTrue(Files.exists(current), "today's file stays");
    assertEquals(2, rows("SELECT count(*) FROM ticks"));
    List<JsonNode> rejects = rejects(yesterday);
    assertEquals(1, rejects.size(), rejects.toString());
    assertTrue(rejects.get(0).get("reason").asText().startsWith("incomplete last line"), rejects.get(0).toString());
    assertEquals(1, rows("SELECT count(*) FROM replay_ledger WHERE file = '" + done.resolve(yesterday.getFileName()) + "'"));

    // Nothing read twice after the move.
    try (Ingester ingester = Ingester.open(home(), options(), log::add)) {
      assertEquals(0, ingester.drain().entries());
    }
  }

  @Test
  void aTrailIsTailedInPlaceWithItsTableAndTimes() throws Exception {
    Path trails = dir.resolve("agents");
    Files.createDirectories(trails);
    Path trail = trails.resolve("watchdog-events-" + today() + ".jsonl");
    append(trail, "{\"ts_utc\":\"2026-11-25T02:44:00Z\",\"event\":\"restart\",\"agent\":\"clone-3\",\"severity\":\"warn\"}\n");
    append(trail, "{\"event\":\"no-ts\",\"agent\":\"clone-4\"}\n");
    append(trail, "{\"event\":\"bad\",\"colour\":\"red\"}\n");
    Files.writeString(trails.resolve("other.log"), "not a trail\n");
    IngestOptions options = options().withTrails(List.of(Trail.parse("watchdog_events=" + trails + "/watchdog-events-*.jsonl")));
    try (Ingester ingester = Ingester.open(home(), options, log::add)) {
      assertEquals(2, ingester.drain().inserted());
    }
    assertEquals(1, rows("SELECT count(*) FROM watchdog_events WHERE ts_utc = '2026-11-25T02:44:00.000000Z'"));
    assertEquals(1, rows("SELECT count(*) FROM watchdog_events WHERE event = 'no-ts'"));
    assertEquals(1, rejects(trail).size());
    assertTrue(Files.exists(trail), "a trail is never moved");
  }

  private void awaitRows(long n) throws Exception {
    await(() -> {
      try {
        return Files.exists(home().metaDb()) && rows("SELECT count(*) FROM ticks") >= n;
      } catch (Exception e) {
        return false;
      }
    }, n + " rows; log: " + log);
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
