package dev.metadb.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.containers.Deployment.Pids;
import dev.metadb.event.Envelope;
import dev.metadb.writer.Home;
import dev.metadb.writer.QueueContents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writer containers each in a PID namespace of its own, on one queue volume: the deployment that
 * corrupts a shared Chronicle queue (Chronicle issue 629), because Chronicle's write lock names its
 * holder by PID and every writer here has the same small PID. metadb's writer slots (an OS lock on
 * queue/slot-NN.lock per writer process) must make it safe.
 *
 * <p>Four writers record continuously while an ingester container ingests; a seeded random
 * sequence of kills (docker kill of the container, or kill -9 of the java process from inside
 * its namespace) hits them, each followed by a replacement writer. Then the books, the queue and
 * the slots are checked. {@code -Dmetadb.seed=N} replays a sequence.
 */
class SeparatePidNamespacesTest {
  private static final int WRITERS = 4;
  private static final int KILLS = 6;

  @TempDir Path tmp;

  @Test
  void killedAndRestartedWritersInOwnPidNamespacesLoseNothingCorruptNothingAndReuseSlots() throws Exception {
    ContainerHost host = ContainerHost.require();
    long seed = Long.getLong("metadb.seed", System.nanoTime());
    System.err.println("SeparatePidNamespacesTest seed " + seed + " (-Dmetadb.seed=" + seed + " replays it)");
    Random random = new Random(seed);
    long began = System.nanoTime();
    try (Deployment d = new Deployment(host, tmp)) {
      RunningContainer ingester = d.startIngester(Pids.OWN);
      RunningContainer[] live = new RunningContainer[WRITERS];
      for (int i = 0; i < WRITERS; i++) {
        live[i] = startWriter(d);
      }
      // Every first writer holds its slot (START printed) before the first kill: otherwise a slow
      // starter claims the victim's freed slot and the replacement rightly takes another.
      for (RunningContainer w : live) {
        w.awaitStdoutLines(1, Duration.ofSeconds(60));
      }
      Map<RunningContainer, WriterRun> runs = new LinkedHashMap<>();
      Map<RunningContainer, RunningContainer> replacedBy = new LinkedHashMap<>();
      List<List<RunningContainer>> liveTogether = new ArrayList<>();
      liveTogether.add(List.of(live));
      int killedInside = 0;
      for (int k = 0; k < KILLS; k++) {
        int i = random.nextInt(WRITERS);
        RunningContainer victim = live[i];
        long ackedBeforeKill = 100 + random.nextInt(900);
        victim.awaitStdoutLines(1 + ackedBeforeKill, Duration.ofSeconds(60));
        if (random.nextBoolean()) {
          victim.killInside(javaPid(victim));
          killedInside++;
        } else {
          victim.dockerKill();
        }
        victim.assertExit(137, Duration.ofSeconds(30));
        WriterRun run = WriterRun.parse(victim.name, victim.hostname(), 137, victim.stdout());
        assertFalse(run.done(), run + " was killed mid-run");
        runs.put(victim, run);
        live[i] = startWriter(d);
        replacedBy.put(victim, live[i]);
        // Its slot is claimed (START printed) before the next kill: while the other three hold theirs.
        live[i].awaitStdoutLines(1, Duration.ofSeconds(60));
        liveTogether.add(List.of(live));
      }
      long killsDone = System.nanoTime();
      d.stopWriters();
      for (RunningContainer w : live) {
        w.assertExit(0, Duration.ofMinutes(1));
        WriterRun run = WriterRun.parse(w.name, w.hostname(), 0, w.stdout());
        assertTrue(run.done(), run + " closed its writer");
        runs.put(w, run);
      }
      System.err.println("writer runs: " + runs.values() + "; " + killedInside + " killed by kill -9 inside, "
          + (KILLS - killedInside) + " by docker kill");

      // The dangerous shape is real: each namespace numbers its processes from 1, so the writers'
      // PIDs are small and writers alive at the same time share one.
      List<List<Long>> pidsTogether =
          liveTogether.stream().map(set -> set.stream().map(w -> runs.get(w).pid()).toList()).toList();
      assertTrue(pidsTogether.stream().anyMatch(set -> new HashSet<>(set).size() < set.size()),
          "writers alive at the same time share a PID: " + pidsTogether);
      Set<Long> pids = runs.values().stream().map(WriterRun::pid).collect(Collectors.toSet());
      assertTrue(pids.stream().allMatch(p -> p < 100), "PIDs of fresh namespaces are small: " + pids);
      assertEquals(WRITERS + KILLS, runs.values().stream().map(WriterRun::host).distinct().count());

      // Slots: a replacement, claiming while the three others hold theirs, gets the slot its killed
      // predecessor held (the kernel released the OS lock across PID namespaces); no more slots
      // exist than writers alive at once.
      replacedBy.forEach((victim, replacement) ->
          assertEquals(runs.get(victim).slot(), runs.get(replacement).slot(),
              runs.get(replacement) + " reuses the slot of " + runs.get(victim)));
      assertEquals(List.of("slot-00", "slot-01", "slot-02", "slot-03"), slotDirs(d.home));
      for (WriterRun run : runs.values()) {
        assertEquals(run.acks().size(), run.count("QUEUED"), run + ": every event queued, none spooled");
      }

      // The queue is intact: every entry in every slot decodes, no event twice.
      List<Envelope> queued = QueueContents.read(new Home(d.home));
      Set<String> queuedIds = queued.stream().map(Envelope::eventId).collect(Collectors.toSet());
      assertEquals(queued.size(), queuedIds.size(), "an event is in the queue twice");

      long rows = Landed.awaitCount(d.home.resolve("meta.db"), n -> n >= queued.size(), Duration.ofSeconds(60));
      assertEquals(queued.size(), rows, "the ingester took every queued entry; stderr:\n" + ingester.stderr());
      ingester.dockerStop(Duration.ofSeconds(10));
      ingester.assertExit(0, Duration.ofSeconds(30));
      String summary = ingester.stderr();
      assertTrue(summary.contains(" 0 already stored, 0 spooled"), "no entry ingested twice, none unreadable:\n" + summary);
      Deployment.Outcome again = d.run("ingest", "--once");
      assertEquals(0, again.exit(), again.toString());
      assertTrue(again.stdout().toString().contains("ingested 0 entries"), "every slot was read to its end: " + again);
      assertFalse(Files.exists(d.home.resolve("logs")) && hasSpoolFile(d.home.resolve("logs")), "nothing was spooled");

      List<Landed.Row> landed = Landed.rows(d.home.resolve("meta.db"));
      Books books = Books.check(new ArrayList<>(runs.values()), landed);
      assertEquals(queuedIds, landed.stream().map(Landed.Row::eventId).collect(Collectors.toSet()));
      assertEquals(pids, landed.stream().map(Landed.Row::pid).collect(Collectors.toSet()));
      System.err.printf("separate PID namespaces: %d writer kills in %.1f s, then stop and drain in %.1f s; %s%n",
          KILLS, (killsDone - began) / 1e9, (System.nanoTime() - killsDone) / 1e9, books);
    }
  }

  private static RunningContainer startWriter(Deployment d) {
    return d.startWriter(Pids.OWN, 0, 200, 500);
  }

  /** The java PID the writer printed in its START line (its number in its own namespace). */
  private static long javaPid(RunningContainer w) throws InterruptedException {
    return WriterRun.parse(w.name, "", -1, w.stdout().subList(0, 1)).pid();
  }

  private static List<String> slotDirs(Path home) throws Exception {
    try (Stream<Path> s = Files.list(home.resolve("queue"))) {
      return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static boolean hasSpoolFile(Path logs) throws Exception {
    try (Stream<Path> s = Files.list(logs)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith(Home.SPOOL_PREFIX));
    }
  }
}
