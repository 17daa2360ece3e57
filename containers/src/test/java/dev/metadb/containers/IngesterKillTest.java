package dev.metadb.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.containers.Deployment.Pids;
import dev.metadb.event.Envelope;
import dev.metadb.writer.Home;
import dev.metadb.writer.QueueContents;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker kill} of the ingester container while writer containers keep recording, then a
 * new ingester container on the same home, several times: every event lands exactly once. The
 * ingester commits each batch with its checkpoints in one SQLite transaction, so a kill loses only
 * an uncommitted batch, which the next ingester reads again from the checkpoint; the final,
 * cleanly stopped ingester must find nothing it had already stored. {@code -Dmetadb.seed=N}
 * replays the kill points.
 */
class IngesterKillTest {
  private static final int WRITERS = 3;
  private static final int KILLS = 3;

  @TempDir Path tmp;

  @Test
  void dockerKillOfTheIngesterUnderLoadThenRestartLandsEveryEventExactlyOnce() throws Exception {
    ContainerHost host = ContainerHost.require();
    long seed = Long.getLong("metadb.seed", System.nanoTime());
    System.err.println("IngesterKillTest seed " + seed + " (-Dmetadb.seed=" + seed + " replays it)");
    Random random = new Random(seed);
    try (Deployment d = new Deployment(host, tmp)) {
      Path metaDb = d.home.resolve("meta.db");
      List<RunningContainer> writers = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        writers.add(d.startWriter(Pids.OWN, 0, 200, 500));
      }
      RunningContainer ingester = d.startIngester(Pids.OWN);
      for (int k = 0; k < KILLS; k++) {
        // Mid-work: the ingester has committed some rows since it started and writers keep writing.
        long from = Landed.count(metaDb);
        long grow = 300 + random.nextInt(1_500);
        long reached = Landed.awaitCount(metaDb, n -> n >= from + grow, Duration.ofSeconds(90));
        assertTrue(reached >= from + grow, ingester.name + " ingested " + (reached - from) + " rows; stderr:\n" + ingester.stderr());
        // Rows appear a batch at a time: a random delay puts the kill anywhere in the next batch,
        // reading, inserting or committing.
        Thread.sleep(random.nextInt(700));
        ingester.dockerKill();
        ingester.assertExit(137, Duration.ofSeconds(30));
        System.err.println("killed " + ingester.name + " with " + Landed.count(metaDb) + " rows committed");
        ingester = d.startIngester(Pids.OWN);
      }
      d.stopWriters();
      List<WriterRun> runs = new ArrayList<>();
      for (RunningContainer w : writers) {
        w.assertExit(0, Duration.ofMinutes(1));
        runs.add(WriterRun.parse(w.name, w.hostname(), 0, w.stdout()));
      }
      List<Envelope> queued = QueueContents.read(new Home(d.home));
      long stoppedAt = System.nanoTime();
      long rows = Landed.awaitCount(metaDb, n -> n >= queued.size(), Duration.ofSeconds(90));
      System.err.printf("the last ingester caught up %.1f s after the writers stopped%n", (System.nanoTime() - stoppedAt) / 1e9);
      assertEquals(queued.size(), rows, "every queued entry ingested; stderr:\n" + ingester.stderr());
      ingester.dockerStop(Duration.ofSeconds(10));
      ingester.assertExit(0, Duration.ofSeconds(30));
      assertTrue(ingester.stderr().contains(" 0 already stored, 0 spooled"),
          "the restarted ingester resumed exactly at the committed checkpoints:\n" + ingester.stderr());
      Deployment.Outcome again = d.run("ingest", "--once");
      assertEquals(0, again.exit(), again.toString());
      assertTrue(again.stdout().toString().contains("ingested 0 entries"), again.toString());

      List<Landed.Row> landed = Landed.rows(metaDb);
      Books books = Books.check(runs, landed);
      assertEquals(0, books.unacknowledged());
      Set<String> queuedIds = queued.stream().map(Envelope::eventId).collect(Collectors.toSet());
      assertEquals(queuedIds, landed.stream().map(Landed.Row::eventId).collect(Collectors.toSet()));
      System.err.println("ingester killed " + KILLS + " times under load: " + books);
    }
  }
}
