package dev.metadb.ingester;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.metadb.event.SampleEvents;
import dev.metadb.writer.Home;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metadb ingest} opens the ingester on its main thread and runs the loop on another. With
 * checkpoints in meta.db, open positions each slot's tailer (moveToIndex and a read) on the first
 * thread: the loop's thread must still be allowed to use them (Chronicle checks tailers are used
 * by one thread).
 */
class IngesterThreadHandoverTest {
  @TempDir Path dir;

  @Test
  void aLoopOnAnotherThreadThanOpenResumesAfterTheCheckpoints() throws Exception {
    Home home = new Home(dir.resolve("home"));
    IngestOptions options = new IngestOptions(100, Duration.ofMillis(20), 7, false);
    try (SlotAppender slot = SlotAppender.open(home, 0)) {
      for (int i = 0; i < 10; i++) {
        slot.append(SampleEvents.mixed(i));
      }
      try (Ingester first = Ingester.open(home, options, line -> {})) {
        assertEquals(10, first.drain().inserted());
      }
      for (int i = 10; i < 15; i++) {
        slot.append(SampleEvents.mixed(i));
      }
    }
    ExecutorService loopThread = Executors.newSingleThreadExecutor();
    try (Ingester second = Ingester.open(home, options, line -> {})) {
      Future<IngestStats> drained = loopThread.submit(second::drain);
      IngestStats stats = drained.get(30, TimeUnit.SECONDS);
      assertEquals(5, stats.entries());
      assertEquals(5, stats.inserted());
    } finally {
      loopThread.shutdownNow();
    }
  }
}
