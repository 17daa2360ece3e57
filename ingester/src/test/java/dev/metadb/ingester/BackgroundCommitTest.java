package dev.metadb.ingester;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Envelope;
import dev.metadb.event.SampleEvents;
import dev.metadb.writer.Home;
import dev.metadb.writer.Tmpfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingester's COMMIT runs on its committer thread while the loop reads the next batch
 * ({@link BatchWriter}). A COMMIT that fails there must be rolled back and committed again
 * together with what was taken since, with the checkpoint of the merged batch: every event once,
 * the checkpoint at the last one. The failure is a real one: meta.db on a full tmpfs, where
 * COMMIT is the first statement that must write (the rows sit in SQLite's page cache until then).
 */
class BackgroundCommitTest {
  @TempDir Path dir;

  private final List<String> log = new CopyOnWriteArrayList<>();

  @Test
  void aCommitThatFailsInTheBackgroundIsRetriedWithWhatWasTakenSinceAndLandsOnce() throws Exception {
    Tmpfs.assumeAvailable(dir);
    Home home = new Home(dir.resolve("home"));
    Tmpfs.mount(home.dir(), "8m");
    Path queue = home.queueDir();
    try {
      Tmpfs.mount(queue, "64m");
      Set<String> ids = new HashSet<>();
      try (SlotAppender slot = SlotAppender.open(home, 0)) {
        for (int i = 0; i < 200; i++) {
          ids.add(append(slot, SampleEvents.mixed(i)));
        }
      }
      try (SlotAppender slot = SlotAppender.open(home, 0);
          Ingester ingester = Ingester.open(home, new IngestOptions(50, Duration.ofMillis(20), 7, false), log::add)) {
        assertEquals(200, ingester.drain().inserted());
        for (int i = 200; i < 700; i++) {
          ids.add(append(slot, SampleEvents.mixed(i)));
        }
        Path filler = Tmpfs.fill(home.dir(), "filler");
        try (RunningIngester running = new RunningIngester(ingester, log)) {
          await(() -> log.stream().anyMatch(l -> l.contains("failed") && l.contains("entries taken since")),
              "a failed background transaction merged with the next batch: " + log);
          assertEquals(200, IngesterTest.totalRows(home.metaDb()), "nothing commits while meta.db's disk is full");
          Files.delete(filler);
          await(() -> IngesterTest.totalRows(home.metaDb()) == 700, "all 700 rows once space returned: " + log);
        }
        assertEquals(700, ingester.stats().inserted());
        assertEquals(0, ingester.stats().duplicates());
        assertTrue(log.stream().noneMatch(l -> l.startsWith("run failed")), log.toString());
      }
      assertEquals(ids, IngesterTest.eventIds(home.metaDb()));
      try (Connection c = Sql.connect(home.metaDb())) {
        assertEquals(List.of(List.of("slot-00", 700)), Sql.rows(c, "SELECT slot, entries FROM ingest_checkpoint"));
      }
      try (Ingester again = Ingester.open(home, IngestOptions.DEFAULTS, log::add)) {
        assertEquals(0, again.drain().entries(), "the checkpoint is at the last entry: nothing is read again");
      }
    } finally {
      Tmpfs.unmount(queue);
      Tmpfs.unmount(home.dir());
    }
  }

  private static String append(SlotAppender appender, Envelope envelope) {
    appender.append(envelope);
    return envelope.eventId();
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(Condition condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.holds()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
      Thread.sleep(20);
    }
  }
}
