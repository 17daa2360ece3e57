package dev.metadb.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.writer.ChildJvm;
import dev.metadb.writer.Home;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes append to today's spool while replay runs again and again: nothing lost, nothing torn. */
class ConcurrentWriterTest {
  private static final int PER_WRITER = 2_000;

  @TempDir Path dir;

  @Test
  void replayWhileWritersAppendToTodaysSpool() throws Exception {
    Home home = new Home(dir.resolve("home"));
    List<Process> writers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      Process writer = ChildJvm.builder(SpoolWriterChild.class, java.util.Map.of(), home.dir().toString(), Integer.toString(PER_WRITER))
          .redirectError(dir.resolve("writer-" + w + ".err").toFile())
          .start();
      BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("started", out.readLine());
      writers.add(writer);
    }

    int runsWhileWriting = 0;
    long insertedWhileWriting = 0;
    long leftForLaterWhileWriting = 0;
    while (writers.stream().anyMatch(Process::isAlive)) {
      ReplaySummary summary = ReplayTest.replayHome(home);
      assertNull(summary.failure());
      assertEquals(0, summary.quarantined(), "a line read half-written would be quarantined");
      runsWhileWriting++;
      insertedWhileWriting += summary.inserted();
      leftForLaterWhileWriting += summary.leftForLater();
    }
    for (int w = 0; w < writers.size(); w++) {
      assertTrue(writers.get(w).waitFor(60, TimeUnit.SECONDS));
      assertEquals(0, writers.get(w).exitValue(), Files.readString(dir.resolve("writer-" + w + ".err")));
    }
    ReplaySummary last = ReplayTest.replayHome(home);
    assertEquals(0, last.quarantined());
    assertEquals(0, last.leftForLater());
    assertTrue(Files.exists(home.spoolFileToday()), "today's file stays");

    assertTrue(runsWhileWriting >= 3, "replays overlapped the writers: " + runsWhileWriting);
    assertTrue(insertedWhileWriting > 0, "rows were applied while the writers ran");
    assertEquals(2L * PER_WRITER, insertedWhileWriting + last.inserted());
    assertEquals(2L * PER_WRITER, TestSpool.rows(home.metaDb()));
    assertEquals(2L * PER_WRITER, TestSpool.distinctIds(home.metaDb()));
    System.out.println("ConcurrentWriterTest: " + runsWhileWriting + " replays while writing, "
        + insertedWhileWriting + " rows applied meanwhile, " + leftForLaterWhileWriting + " incomplete tails seen and left");
  }
}
