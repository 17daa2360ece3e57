package dev.metadb.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.containers.Deployment.Pids;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four writer containers in the host's PID namespace ({@code --pid=host}) and an ingester
 * container, all on one home bind-mounted from the host, writing at the same time while the
 * ingester ingests: every acknowledged event lands in meta.db once and nothing else does.
 */
class SharedPidNamespaceTest {
  private static final int WRITERS = 4;
  /** Each writer records until all have printed at least this many acknowledgements. */
  private static final int EVENTS = 1_500;

  @TempDir Path tmp;

  @Test
  void fourWriterContainersAndAnIngesterContainerLandEveryEventOnce() throws Exception {
    ContainerHost host = ContainerHost.require();
    try (Deployment d = new Deployment(host, tmp)) {
      RunningContainer ingester = d.startIngester(Pids.HOST);
      List<RunningContainer> writers = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        writers.add(d.startWriter(Pids.HOST, 0, 200, 1_000));
      }
      for (RunningContainer w : writers) {
        w.awaitStdoutLines(1 + EVENTS, Duration.ofSeconds(90));
      }
      d.stopWriters();
      List<WriterRun> runs = new ArrayList<>();
      for (RunningContainer w : writers) {
        w.assertExit(0, Duration.ofMinutes(2));
        runs.add(WriterRun.parse(w.name, w.hostname(), 0, w.stdout()));
      }
      long acked = runs.stream().mapToLong(r -> r.acks().size()).sum();
      assertTrue(acked >= WRITERS * EVENTS, "acknowledgements printed: " + runs);
      assertEquals(acked, runs.stream().mapToLong(r -> r.count("QUEUED")).sum(), "every event queued: " + runs);

      long rows = Landed.awaitCount(d.home.resolve("meta.db"), n -> n >= acked, Duration.ofSeconds(60));
      assertEquals(acked, rows, "rows in meta.db once the ingester caught up; ingester stderr:\n" + ingester.stderr());
      ingester.dockerStop(Duration.ofSeconds(10));
      ingester.assertExit(0, Duration.ofSeconds(30));

      List<Landed.Row> landed = Landed.rows(d.home.resolve("meta.db"));
      Books books = Books.check(runs, landed);
      assertEquals(0, books.unacknowledged());

      Set<Long> pids = runs.stream().map(WriterRun::pid).collect(Collectors.toSet());
      assertEquals(WRITERS, pids.size(), "host PID namespace: four distinct writer PIDs " + runs);
      assertEquals(pids, landed.stream().map(Landed.Row::pid).collect(Collectors.toSet()), "envelope pids are the writers' PIDs");
      Set<Integer> slots = runs.stream().map(WriterRun::slot).collect(Collectors.toSet());
      assertEquals(Set.of(0, 1, 2, 3), slots, "one writer slot per live writer process: " + runs);
      assertTrue(ingester.stderr().contains("0 already stored"), "no entry was ingested twice:\n" + ingester.stderr());
    }
  }
}
