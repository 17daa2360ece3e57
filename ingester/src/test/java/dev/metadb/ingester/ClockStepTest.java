package dev.metadb.ingester;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.metadb.writer.Child;
import dev.metadb.writer.Home;
import dev.metadb.writer.WriterChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer process whose wall clock steps back by days in the middle of its run (libfaketime, its
 * offset re-read from a file on every clock read): every event it reported QUEUED, before and
 * after the step, must reach meta.db with an ordinary {@code ingest --once}, started after the
 * writer (the worst order: the ingester then starts at the oldest cycle file).
 */
class ClockStepTest {
  private static final Path LIBFAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
  private static final int EVENTS = 40;
  private static final int STEP_AFTER = 10;

  @TempDir Path dir;

  @Test
  void eventsRecordedAcrossABackwardClockStepAllLand() throws Exception {
    String notInstalled = "libfaketime is not installed (apt-get install faketime; .ci/run installs it)";
    if (System.getenv("CI") != null) {
      assertTrue(Files.exists(LIBFAKETIME), notInstalled);
    }
    assumeTrue(Files.exists(LIBFAKETIME), notInstalled);
    Home home = new Home(dir.resolve("home"));
    Path offset = dir.resolve("faketime.rc");
    Files.writeString(offset, "+0\n");
    Map<String, String> env = Map.of(
        "LD_PRELOAD", LIBFAKETIME.toString(),
        "FAKETIME_TIMESTAMP_FILE", offset.toString(),
        "FAKETIME_NO_CACHE", "1");
    Set<String> queued = new HashSet<>();
    try (Child writer = Child.start(WriterChild.class, env, home.dir().toString(), String.valueOf(EVENTS), "50")) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (writer.out().stream().filter(l -> l.startsWith("QUEUED")).count() < STEP_AFTER) {
        assertTrue(System.nanoTime() < deadline, "the writer did not start: " + writer.err());
        Thread.sleep(10);
      }
      Files.writeString(offset, "-3d\n");
      assertEquals(0, writer.await(Duration.ofSeconds(60)), writer.err().toString());
      for (String line : writer.out()) {
        if (line.startsWith("QUEUED ")) {
          queued.add(line.substring("QUEUED ".length()));
        }
      }
    }
    assertEquals(EVENTS, queued.size(), "the writer queued every event");
    try (Ingester ingester = Ingester.open(home, new IngestOptions(100, Duration.ofMillis(20), 7, false), line -> {})) {
      ingester.drain();
    }
    Set<String> stored = new HashSet<>();
    try (Connection c = Sql.connect(home.metaDb())) {
      for (String table : List.of("ticks", "messages")) {
        for (List<Object> row : Sql.rows(c, "SELECT event_id FROM " + table)) {
          stored.add((String) row.get(0));
        }
      }
    }
    Set<String> missing = new HashSet<>(queued);
    missing.removeAll(stored);
    assertEquals(Set.of(), missing, "events queued across the clock step that never reached meta.db; cycle files: "
        + IngesterTest.cycleFiles(home.slotDir(0)));
  }
}
