package dev.metadb.ingester;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.SampleEvents;
import dev.metadb.event.Table;
import dev.metadb.store.EventInserter;
import dev.metadb.writer.Home;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slot directory moved away while the ingester reads it, and created again by a writer with
 * fewer entries so far. The reader of the old directory must not judge the new directory's files
 * by its own position (its tailer still reads the old, moved directory). It used to: past the new
 * directory's end it found a "zero header" where its last entry should be, retired the new slot
 * and salvaged it from the old reader's index, so the new directory's entries were never read (the
 * faults suite lost 75 acknowledged events this way).
 */
class MovedSlotDirectoryTest {
  private static final int OLD = 10;
  private static final int NEW = 3;

  @TempDir Path dir;

  @Test
  void theReaderOfAMovedDirectoryNeitherSalvagesNorRetiresTheNewOne() throws Exception {
    Home home = new Home(dir.resolve("home"));
    append(home, 100, OLD);
    List<String> damage = new CopyOnWriteArrayList<>();
    SlotReader reader = SlotReader.open("slot-00", home.slotDir(0), null, false, raw -> true, line -> {}, damage::add);
    try {
      Batch batch = new Batch(IngestOptions.DEFAULTS.batchSize(), EventInserter.MAX_BATCH_BYTES);
      assertEquals(OLD, reader.take(batch, OLD));
      Files.move(home.slotDir(0), dir.resolve("moved-slot-00"));
      append(home, 200, NEW);

      assertEquals(0, reader.take(batch, 100), "nothing from the new directory through the old reader");
      assertEquals(List.of(), damage);
      assertFalse(Files.exists(home.slotDir(0).resolve(Home.SLOT_RETIRED)), "the new slot is not retired");
      assertTrue(reader.replaced());
    } finally {
      reader.close();
    }
  }

  @Test
  void aRunningIngesterReadsTheNewDirectoryFromItsStart() throws Exception {
    Home home = new Home(dir.resolve("home"));
    append(home, 100, OLD);
    List<String> log = new CopyOnWriteArrayList<>();
    try (Ingester ingester = Ingester.open(home, new IngestOptions(100, Duration.ofMillis(20), 7, true), log::add)) {
      ingester.drain();
      assertEquals(OLD, Sql.count(home.metaDb(), "SELECT count(*) FROM ticks"));
      Files.move(home.slotDir(0), dir.resolve("moved-slot-00"));
      append(home, 200, NEW);

      try (RunningIngester running = new RunningIngester(ingester, log)) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Sql.count(home.metaDb(), "SELECT count(*) FROM ticks") < OLD + NEW && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      }
      assertEquals(OLD + NEW, Sql.count(home.metaDb(), "SELECT count(*) FROM ticks"), "log " + log);
      assertTrue(log.stream().anyMatch(l -> l.contains("was replaced by another directory; opening it again")), log.toString());
      assertEquals(List.of(), ingester.damage());
      assertFalse(Files.exists(home.slotDir(0).resolve(Home.SLOT_RETIRED)), "the new slot is not retired");
    }
  }

  private static void append(Home home, int first, int count) {
    try (SlotAppender slot = SlotAppender.open(home, 0)) {
      for (int i = first; i < first + count; i++) {
        slot.append(SampleEvents.sample(Table.TICKS, i));
      }
    }
  }
}
