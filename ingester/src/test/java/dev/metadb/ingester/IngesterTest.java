package dev.metadb.ingester;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Envelope;
import dev.metadb.event.SampleEvents;
import dev.metadb.event.Table;
import dev.metadb.store.Schema;
import dev.metadb.writer.Home;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingester in this JVM, over real queues and a real meta.db. */
class IngesterTest {
  @TempDir Path dir;

  private final List<String> log = new CopyOnWriteArrayList<>();

  private Home home() {
    return new Home(dir.resolve("home"));
  }

  private Ingester open(IngestOptions options) throws Exception {
    return Ingester.open(home(), options, log::add);
  }

  private static IngestOptions batchOf(int n) {
    return new IngestOptions(n, Duration.ofMillis(20), 7, false);
  }

  @Test
  void drainsEverySlotOnceAndResumesAfterItsCheckpoint() throws Exception {
    Set<String> ids = new HashSet<>();
    try (SlotAppender s0 = SlotAppender.open(home(), 0); SlotAppender s1 = SlotAppender.open(home(), 1)) {
      for (int i = 0; i < 100; i++) {
        ids.add(append(s0, SampleEvents.mixed(i)));
      }
      for (int i = 0; i < 50; i++) {
        ids.add(append(s1, SampleEvents.mixed(i)));
      }
      try (Ingester ingester = open(batchOf(32))) {
        IngestStats stats = ingester.drain();
        assertEquals(new IngestStats(150, 150, 0, 0, stats.batches(), 0, 0), stats);
        assertTrue(stats.batches() >= 5, "batch size 32 over 150 entries: " + stats.batches() + " batches");
      }
      for (int i = 100; i < 120; i++) {
        ids.add(append(s0, SampleEvents.mixed(i)));
      }
    }
    try (Ingester ingester = open(batchOf(1000))) {
      IngestStats stats = ingester.drain();
      // Only the new entries are read: the restart resumed after the checkpoint, not from the start.
      assertEquals(20, stats.entries());
      assertEquals(20, stats.inserted());
      assertEquals(0, stats.duplicates());
    }
    Path db = home().metaDb();
    assertEquals(ids, eventIds(db));
    try (Connection c = Sql.connect(db)) {
      assertEquals(List.of(List.of("slot-00", 120), List.of("slot-01", 50)),
          Sql.rows(c, "SELECT slot, entries FROM ingest_checkpoint ORDER BY slot"));
    }
  }

  @Test
  void picksUpNewSlotsWhileRunningAndStopsPromptly() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try (SlotAppender s0 = SlotAppender.open(home(), 0)) {
      append(s0, SampleEvents.mixed(1));
      try (Ingester ingester = open(batchOf(100))) {
        Future<IngestStats> running = executor.submit(ingester::run);
        awaitRows(1);
        try (SlotAppender s7 = SlotAppender.open(home(), 7)) {
          for (int i = 0; i < 10; i++) {
            append(s7, SampleEvents.mixed(i));
          }
        }
        awaitRows(11);
        long stopAt = System.nanoTime();
        ingester.stop();
        IngestStats stats = running.get(5, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - stopAt < TimeUnit.SECONDS.toNanos(1), "stop took over a second");
        assertEquals(11, stats.inserted());
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void poisonEntriesGoToTheSpoolAndTheBatchCarriesOn() throws Exception {
    byte[] garbage = "{not json at all".getBytes(StandardCharsets.UTF_8);
    byte[] fromTheFuture = ("{\"event_id\":\"0193a1c2-0000-7000-8000-000000000001\",\"table\":\"holograms\","
        + "\"ts_utc\":\"2026-11-25T02:44:00.123456Z\",\"v\":1,\"data\":{}}").getBytes(StandardCharsets.UTF_8);
    try (SlotAppender s0 = SlotAppender.open(home(), 0)) {
      append(s0, SampleEvents.mixed(1));
      s0.appendRaw(garbage);
      s0.appendRaw(fromTheFuture);
      append(s0, SampleEvents.mixed(2));
    }
    try (Ingester ingester = open(batchOf(100))) {
      IngestStats stats = ingester.drain();
      assertEquals(4, stats.entries());
      assertEquals(2, stats.inserted());
      assertEquals(2, stats.spooled());
    }
    List<String> lines = Files.readAllLines(home().spoolFileToday());
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("\"stage\":\"ingester\""), lines.get(0));
    assertTrue(lines.get(0).contains("slot-00 index 0x") && lines.get(0).contains("not valid JSON"), lines.get(0));
    assertTrue(lines.get(1).contains("holograms: unknown table"), lines.get(1));
    // The raw bytes survive, so nothing is lost even though it never became a row.
    assertTrue(lines.get(0).contains(java.util.Base64.getEncoder().encodeToString(garbage)), lines.get(0));
    try (Ingester again = open(batchOf(100))) {
      assertEquals(0, again.drain().entries(), "the checkpoint must be past the poison entries");
    }
    assertEquals(2, Files.readAllLines(home().spoolFileToday()).size());
  }

  @Test
  void aMissingCycleFileStopsTheIngesterUnlessToldToSkip() throws Exception {
    try (SlotAppender old = SlotAppender.daysAgo(home(), 0, 3)) {
      for (int i = 0; i < 5; i++) {
        append(old, SampleEvents.mixed(i));
      }
    }
    try (Ingester ingester = open(batchOf(100))) {
      assertEquals(5, ingester.drain().inserted());
    }
    List<Path> cycleFiles = cycleFiles(home().slotDir(0));
    assertEquals(1, cycleFiles.size(), cycleFiles.toString());
    try (SlotAppender later = SlotAppender.daysAgo(home(), 0, 2)) {
      for (int i = 0; i < 4; i++) {
        append(later, SampleEvents.mixed(i));
      }
    }
    Files.delete(cycleFiles.get(0));
    CheckpointMissingException e = assertThrows(CheckpointMissingException.class, () -> open(batchOf(100)));
    assertTrue(e.getMessage().startsWith("slot-00: the checkpoint"), e.getMessage());
    assertTrue(e.getMessage().contains("its cycle file is gone") && e.getMessage().contains("--skip-missing"), e.getMessage());
    assertEquals(5, Sql.count(home().metaDb(), "SELECT entries FROM ingest_checkpoint"), "nothing advanced");

    try (Ingester skipping = Ingester.open(home(), new IngestOptions(100, Duration.ofMillis(20), 7, true), log::add)) {
      assertEquals(4, skipping.drain().inserted());
    }
    assertTrue(log.stream().anyMatch(l -> l.contains("skipping ahead (--skip-missing)")), log.toString());
    assertEquals(9, totalRows(home().metaDb()));
  }

  @Test
  void retentionDeletesOnlyIngestedCycleFilesOlderThanTheRetention() throws Exception {
    try (SlotAppender s0 = SlotAppender.daysAgo(home(), 0, 10); SlotAppender s1 = SlotAppender.daysAgo(home(), 1, 10)) {
      append(s0, SampleEvents.mixed(1));
      append(s1, SampleEvents.mixed(1));
      s0.setDaysAgo(9);
      append(s0, SampleEvents.mixed(2));
    }
    IngestOptions retainOne = new IngestOptions(100, Duration.ofMillis(20), 1, false);
    try (Ingester ingester = Ingester.open(home(), retainOne, log::add)) {
      IngestStats stats = ingester.drain();
      assertEquals(3, stats.inserted());
      // slot-00: checkpoint in the day-9 file, so only the day-10 file is wholly ingested;
      // slot-01: its only file holds the checkpoint.
      assertEquals(1, stats.filesDeleted(), log.toString());
    }
    assertEquals(1, cycleFiles(home().slotDir(0)).size());
    assertEquals(1, cycleFiles(home().slotDir(1)).size());
    try (SlotAppender s0 = SlotAppender.daysAgo(home(), 0, 8)) {
      append(s0, SampleEvents.mixed(3));
      s0.setDaysAgo(0);
      append(s0, SampleEvents.mixed(4));
    }
    IngestOptions retainThirty = new IngestOptions(100, Duration.ofMillis(20), 30, false);
    try (Ingester ingester = Ingester.open(home(), retainThirty, log::add)) {
      assertEquals(2, ingester.drain().inserted());
    }
    assertEquals(3, cycleFiles(home().slotDir(0)).size(), "retain 30 days keeps the 8- and 9-day-old files");
    try (Ingester ingester = Ingester.open(home(), retainOne, log::add)) {
      IngestStats stats = ingester.drain();
      assertEquals(0, stats.entries());
      assertEquals(2, stats.filesDeleted(), log.toString());
    }
    List<Path> left = cycleFiles(home().slotDir(0));
    assertEquals(1, left.size(), "today's file (it holds the checkpoint and is current) stays: " + left);
    assertEquals(5, totalRows(home().metaDb()));
  }

  @Test
  void statusReportsLagCheckpointsAndSpool() throws Exception {
    try (SlotAppender s0 = SlotAppender.open(home(), 0)) {
      for (int i = 0; i < 10; i++) {
        append(s0, SampleEvents.mixed(i));
      }
      s0.appendRaw("nope".getBytes(StandardCharsets.UTF_8));
      try (Ingester ingester = open(batchOf(100))) {
        ingester.drain();
        IngestStatus running = IngestStatus.read(home());
        assertEquals(ProcessHandle.current().pid(), running.ingesterPid().getAsLong());
      }
      for (int i = 0; i < 7; i++) {
        append(s0, SampleEvents.mixed(i));
      }
    }
    IngestStatus status = IngestStatus.read(home());
    assertEquals(Schema.VERSION, status.schemaVersion().getAsLong());
    assertTrue(status.ingesterPid().isEmpty());
    assertEquals(10, status.rows().values().stream().mapToLong(Long::longValue).sum());
    assertEquals(Table.values().length, status.rows().size());
    assertEquals(1, status.slots().size());
    assertEquals(7, status.lagEntries());
    assertTrue(status.slots().get(0).oldestPending() != null);
    assertTrue(status.lastCheckpointAt() != null);
    assertEquals(List.of(1L), status.spool().stream().map(IngestStatus.FileStatus::pendingLines).toList());
  }

  private static String append(SlotAppender appender, Envelope envelope) {
    appender.append(envelope);
    return envelope.eventId();
  }

  private void awaitRows(long rows) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (totalRows(home().metaDb()) < rows) {
      assertTrue(System.nanoTime() < deadline, "rows did not reach " + rows);
      Thread.sleep(10);
    }
  }

  static long totalRows(Path db) throws Exception {
    try (Connection c = Sql.connect(db)) {
      long total = 0;
      for (Table table : Table.values()) {
        total += Sql.count(c, "SELECT count(*) FROM " + table.sqlName());
      }
      return total;
    }
  }

  static Set<String> eventIds(Path db) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection c = Sql.connect(db)) {
      for (Table table : Table.values()) {
        for (List<Object> row : Sql.rows(c, "SELECT event_id FROM " + table.sqlName())) {
          ids.add((String) row.get(0));
        }
      }
    }
    return ids;
  }

  static List<Path> cycleFiles(Path slotDir) throws Exception {
    List<Path> files = new ArrayList<>();
    try (var list = Files.list(slotDir)) {
      list.filter(p -> p.getFileName().toString().endsWith(".cq4")).sorted().forEach(files::add);
    }
    return files;
  }
}
