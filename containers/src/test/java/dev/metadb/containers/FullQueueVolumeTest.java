package dev.metadb.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.containers.Deployment.Pids;
import dev.metadb.writer.Home;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue on a size-limited tmpfs (mounted at the home's queue/, so every container sees it at
 * /metadb/queue) that the writers fill up, while the spool (logs/) stays on the roomy host
 * directory: the writers fall back to the spool, {@code metadb ingest --once} takes what was
 * queued, {@code metadb replay} drains the spool, and every event lands once; a second replay
 * changes nothing.
 */
class FullQueueVolumeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WRITERS = 3;
  private static final int EVENTS = 1_500;

  @TempDir Path tmp;

  @Test
  void writersOnAFullQueueVolumeSpoolAndReplayLandsEveryEventOnce() throws Exception {
    ContainerHost host = ContainerHost.require();
    try (Deployment d = new Deployment(host, tmp)) {
      // 3 writers x 1500 events x ~1.1 KB = ~5 MB: more than twice what the volume holds.
      d.queueOnTmpfs("2m");
      List<RunningContainer> writers = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        writers.add(d.startWriter(Pids.OWN, EVENTS, 1_000, 0));
      }
      List<WriterRun> runs = new ArrayList<>();
      for (RunningContainer w : writers) {
        // Not a SIGBUS (exit 134): the writer's new queue files are backed before they are mapped.
        w.assertExit(0, Duration.ofMinutes(2));
        WriterRun run = WriterRun.parse(w.name, w.hostname(), 0, w.stdout());
        assertEquals(EVENTS, run.acks().size(), run.toString());
        runs.add(run);
      }
      long queued = runs.stream().mapToLong(r -> r.count("QUEUED")).sum();
      long spooled = runs.stream().mapToLong(r -> r.count("SPOOLED")).sum();
      System.err.println("full queue volume: " + queued + " queued, " + spooled + " spooled; " + runs);
      assertTrue(queued > 0, "the volume took events until it was full: " + runs);
      assertTrue(spooled > 0, "a 2 MiB queue cannot take 5 MB: " + runs);

      Set<String> spooledIds = new HashSet<>();
      runs.forEach(r -> r.acks().forEach((id, status) -> {
        if (status.equals("SPOOLED")) {
          spooledIds.add(id);
        }
      }));
      List<JsonNode> lines = spoolLines(new Home(d.home).logsDir());
      Set<String> inSpool = new HashSet<>();
      for (JsonNode line : lines) {
        inSpool.add(line.get("event_id").asText());
        String reason = line.at("/spool/reason").asText();
        assertTrue(reason.toLowerCase().contains("space"), "spooled because the queue volume is full: " + reason);
      }
      assertEquals(spooledIds, inSpool, "the spool holds exactly the events the writers were told were spooled");

      Deployment.Outcome ingest = d.run("ingest", "--once");
      assertEquals(0, ingest.exit(), ingest.toString());
      Path metaDb = d.home.resolve("meta.db");
      assertEquals(queued, Landed.count(metaDb), "ingest --once took every queued event: " + ingest);

      Deployment.Outcome replay = d.run("replay");
      assertEquals(0, replay.exit(), replay.toString());
      Books books = Books.check(runs, Landed.rows(metaDb));
      assertEquals(queued + spooled, books.landed());

      Deployment.Outcome rerun = d.run("replay");
      assertEquals(0, rerun.exit(), rerun.toString());
      assertEquals(queued + spooled, Landed.count(metaDb), "a second replay adds nothing: " + rerun);
      System.err.println("full queue volume, after ingest and replay: " + books);
    }
  }

  private static List<JsonNode> spoolLines(Path logs) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(logs)) {
      files = s.filter(p -> p.getFileName().toString().startsWith(Home.SPOOL_PREFIX)).sorted().toList();
    }
    for (Path f : files) {
      for (String line : Files.readAllLines(f)) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }
}
