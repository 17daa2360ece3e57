package dev.metadb.ingester;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Table;
import dev.metadb.writer.Child;
import dev.metadb.writer.Home;
import dev.metadb.writer.Tmpfs;
import dev.metadb.writer.WriterChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guarantee 2 with real processes: writer processes append while the ingester process is killed
 * with SIGKILL, stalled by another process's write lock, or starved of disk, and afterwards every
 * acknowledged event is a row exactly once.
 */
class CrashAndStallTest {
  private static final Duration START = Duration.ofSeconds(60);

  @TempDir Path dir;

  private Home home() {
    return new Home(dir.resolve("home"));
  }

  @Test
  void killNineTwentyTimesWhileFourWritersAppend() throws Exception {
    Random random = new Random();
    long seed = random.nextLong();
    random.setSeed(seed);
    List<Child> writers = new ArrayList<>();
    long started = System.nanoTime();
    int kills = 0;
    try {
      for (int i = 0; i < 4; i++) {
        writers.add(Child.start(WriterChild.class, home().dir().toString(), "5000", "5"));
      }
      while (kills < 20 || writers.stream().anyMatch(w -> w.process.isAlive())) {
        try (Child ingester = Child.start(IngesterChild.class, home().dir().toString(), "200", "20")) {
          assertTrue(ingester.awaitErr(l -> l.startsWith("running "), START), "ingester did not start: " + ingester.err());
          Thread.sleep(50 + random.nextInt(700));
          assertTrue(ingester.process.isAlive(), "ingester died by itself: " + ingester.err());
          ingester.kill9();
          kills++;
        }
      }
      for (Child writer : writers) {
        assertEquals(0, writer.await(START), "writer failed: " + writer.err());
      }
    } finally {
      for (Child writer : writers) {
        writer.close();
      }
    }
    Set<String> acknowledged = acknowledged(writers);
    assertEquals(4 * 5000, acknowledged.size(), "every writer event is QUEUED");
    long rowsBeforeFinalDrain = IngesterTest.totalRows(home().metaDb());
    try (Ingester ingester = Ingester.open(home(), IngestOptions.DEFAULTS, line -> {})) {
      ingester.drain();
    }
    assertEquals(acknowledged, IngesterTest.eventIds(home().metaDb()));
    assertEveryEventIdOnce(home().metaDb(), acknowledged.size());
    System.out.printf("kill -9 test: %d kills in %.1f s, %d events from 4 writers, %d rows before the final drain (seed %d)%n",
        kills, (System.nanoTime() - started) / 1e9, acknowledged.size(), rowsBeforeFinalDrain, seed);
  }

  @Test
  void aWriteLockHeldFifteenSecondsByAnotherProcessDelaysButLosesNothing() throws Exception {
    try (Child ingester = Child.start(IngesterChild.class, home().dir().toString(), "100", "20")) {
      assertTrue(ingester.awaitErr(l -> l.startsWith("running "), START), ingester.err().toString());
      Child first = Child.start(WriterChild.class, home().dir().toString(), "200");
      assertEquals(0, first.await(START));
      awaitRows(200, Duration.ofSeconds(30));
      Child second;
      try (Connection holder = Sql.connect(home().metaDb()); Connection reader = Sql.connect(home().metaDb())) {
        Sql.exec(holder, "BEGIN IMMEDIATE");
        long heldSince = System.nanoTime();
        second = Child.start(WriterChild.class, home().dir().toString(), "300");
        assertEquals(0, second.await(START), "writers must not notice the database: " + second.err());
        Thread.sleep(Math.max(0, 15_000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - heldSince)));
        assertEquals(200, totalRows(reader), "nothing can commit while the lock is held");
        assertTrue(ingester.process.isAlive(), ingester.err().toString());
        Sql.exec(holder, "ROLLBACK");
      }
      awaitRows(500, Duration.ofSeconds(30));
      List<String> retries = ingester.err().stream().filter(l -> l.contains(" retry ")).toList();
      assertTrue(!retries.isEmpty() && retries.size() <= 4,
          "one log line per backoff step (a 10 s busy wait each), not per event: " + ingester.err());
      assertTrue(retries.get(0).contains("database is locked") && retries.get(0).contains("entries stay in the queue"), retries.get(0));
      assertTrue(ingester.awaitErr(l -> l.startsWith("committed again after "), Duration.ofSeconds(10)),
          "the end of the failure is logged: " + ingester.err());
      Set<String> acknowledged = acknowledged(List.of(first, second));
      assertEquals(acknowledged, IngesterTest.eventIds(home().metaDb()));
      assertEveryEventIdOnce(home().metaDb(), 500);
    }
  }

  @Test
  void aFullDiskUnderMetaDbStallsIngestUntilSpaceReturns() throws Exception {
    // The home is a small tmpfs (meta.db fills it); the queue is a big one mounted inside it, so the
    // writers never notice (metadb follows no symbolic link in its home, so no link can split them).
    Tmpfs.assumeAvailable(dir);
    Path tmpfs = home().dir();
    Tmpfs.mount(tmpfs, "8m");
    Path queue = home().queueDir();
    try {
      Tmpfs.mount(queue, "512m");
      Map<String, String> kilobyteBodies = Map.of("WRITER_CHILD_BODY_BYTES", "1000");
      try (Child ingester = Child.start(IngesterChild.class, home().dir().toString(), "100", "20")) {
        assertTrue(ingester.awaitErr(l -> l.startsWith("running "), START), ingester.err().toString());
        Child first = Child.start(WriterChild.class, kilobyteBodies, home().dir().toString(), "300");
        assertEquals(0, first.await(START));
        awaitRows(300, Duration.ofSeconds(30));
        Path filler = Tmpfs.fill(tmpfs, "filler");
        Child second = Child.start(WriterChild.class, kilobyteBodies, home().dir().toString(), "2000");
        assertEquals(0, second.await(START), "writers must not notice the database: " + second.err());
        assertTrue(ingester.awaitErr(l -> l.contains("disk is full") && l.contains(" retry "), Duration.ofSeconds(30)),
            "expected SQLITE_FULL retries: " + ingester.err());
        long rowsWhileFull = IngesterTest.totalRows(home().metaDb());
        assertTrue(rowsWhileFull < 2300, "the disk was full, yet all rows committed");
        Files.delete(filler);
        awaitRows(2300, Duration.ofSeconds(60));
        Set<String> acknowledged = acknowledged(List.of(first, second));
        assertEquals(acknowledged, IngesterTest.eventIds(home().metaDb()));
        assertEveryEventIdOnce(home().metaDb(), 2300);
        assertEquals("ok", Sql.text(Sql.connect(home().metaDb()), "PRAGMA integrity_check"));
        System.out.printf("full-disk test: %d rows committed while full, %d retry lines%n",
            rowsWhileFull, ingester.err().stream().filter(l -> l.contains(" retry ")).count());
      }
    } finally {
      Tmpfs.unmount(queue);
      Tmpfs.unmount(tmpfs);
    }
  }

  @Test
  void aSecondIngesterIsRefusedWithTheFirstOnesPid() throws Exception {
    try (Child ingester = Child.start(IngesterChild.class, home().dir().toString())) {
      assertTrue(ingester.awaitErr(l -> l.startsWith("running "), START), ingester.err().toString());
      AnotherIngesterException e = org.junit.jupiter.api.Assertions.assertThrows(
          AnotherIngesterException.class, () -> Ingester.open(home(), IngestOptions.DEFAULTS, line -> {}));
      assertEquals("another ingester (pid " + ingester.pid() + ") is running", e.getMessage());
      assertEquals(ingester.pid(), IngestStatus.read(home()).ingesterPid().getAsLong());
      ingester.kill9();
    }
    // The kernel dropped the dead holder's lock: a new ingester starts at once.
    try (Ingester next = Ingester.open(home(), IngestOptions.DEFAULTS, line -> {})) {
      assertTrue(IngestStatus.read(home()).ingesterPid().isPresent());
    }
  }

  private static Set<String> acknowledged(List<Child> writers) {
    Set<String> ids = new HashSet<>();
    for (Child writer : writers) {
      for (String line : writer.out()) {
        if (line.startsWith("QUEUED ")) {
          assertTrue(ids.add(line.substring(7)), "duplicate id from a writer: " + line);
        } else if (!line.startsWith("SLOT ")) {
          throw new AssertionError("writer did not queue an event: " + line);
        }
      }
    }
    return ids;
  }

  private static void assertEveryEventIdOnce(Path db, long expectedRows) throws Exception {
    try (Connection c = Sql.connect(db)) {
      long rows = 0;
      for (Table table : Table.values()) {
        long count = Sql.count(c, "SELECT count(*) FROM " + table.sqlName());
        assertEquals(count, Sql.count(c, "SELECT count(DISTINCT event_id) FROM " + table.sqlName()), table.sqlName());
        rows += count;
      }
      assertEquals(expectedRows, rows);
    }
  }

  private void awaitRows(long rows, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    long seen;
    while ((seen = IngesterTest.totalRows(home().metaDb())) < rows) {
      assertTrue(System.nanoTime() < deadline, "rows stayed at " + seen + ", expected " + rows);
      Thread.sleep(20);
    }
    assertEquals(rows, seen);
  }

  private static long totalRows(Connection c) throws Exception {
    long total = 0;
    for (Table table : Table.values()) {
      total += Sql.count(c, "SELECT count(*) FROM " + table.sqlName());
    }
    return total;
  }
}
