package dev.metadb.faults;

import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Fault class "kill -9": writers killed mid-burst, the ingester mid-batch, replay mid-file, in a
 * seeded random order, many times per run, each victim replaced at once. Four writers share three
 * slots, so one of them records to the spool at any time and replay always has a file to work on;
 * a killed writer's slot goes to the next writer that asks. Replay runs start 4 s apart, so each
 * meets a backlog of several commits, and a replay is killed after its first commit of the run:
 * mid-file.
 */
@Order(1)
class KillNineFaultTest {
  @Test
  void writersIngesterAndReplayKilledInRandomOrderLoseAndDuplicateNothing() throws Exception {
    Seed seed = Seed.of("KillNineFaultTest", KillNineFaultTest.class);
    int kills = Scale.of("kills", 15, 150);
    long started = System.nanoTime();
    try (Harness h = new Harness("KillNineFaultTest", seed).slots(3)) {
      h.replayEvery(Duration.ofSeconds(4));
      h.startWriters(4);
      h.startIngester();
      h.awaitReady(Duration.ofSeconds(120));
      while (h.faults.getOrDefault("kill -9 writer", 0L) + h.faults.getOrDefault("kill -9 ingester", 0L)
          + h.faults.getOrDefault("kill -9 replay", 0L) < kills) {
        h.run(100 + h.random.nextInt(1_200));
        switch (h.random.nextInt(3)) {
          case 0 -> h.killWriter();
          case 1 -> h.killIngester();
          default -> h.killReplay();
        }
      }
      h.faultsOver();
      h.run(500);
      h.stopWriters();
      long recovery = h.recover(Duration.ofSeconds(120));
      h.finalDrain(0);
      Audit.Result a = h.audit();
      h.report("kill -9", "writers mid-burst, ingester mid-batch, replay mid-file; random order, 4 writers on 3 slots",
          a, recovery, started, "replay runs " + h.replayRuns());
      h.passed();
    }
  }
}
