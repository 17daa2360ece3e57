package dev.metadb.replay;

import static dev.metadb.replay.TestSpool.age;
import static dev.metadb.replay.TestSpool.line;
import static dev.metadb.replay.TestSpool.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metadb.event.Envelope;
import dev.metadb.event.SampleEvents;
import dev.metadb.ingester.lines.Quarantine;
import dev.metadb.writer.ChildJvm;
import dev.metadb.writer.Home;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 a replay child JVM at random points, at least 20 times, over a 100k-line spool with
 * bad and repeated lines in it; rerun after each kill. At the end every valid line is a row once
 * and every bad line is in quarantine once, counted once in the ledger.
 */
class ReplayCrashTest {
  private static final int FILES = 4;
  private static final int LINES_PER_FILE = 25_000;
  private static final int KILLS = 22;

  @TempDir Path dir;

  @Test
  void killedAtRandomPointsAndRerunEveryLineLandsExactlyOnce() throws Exception {
    Home home = new Home(dir.resolve("home"));
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Set<String> validIds = new HashSet<>();
    Map<String, Integer> badLinesPerFile = new HashMap<>();
    List<byte[]> earlierValid = new ArrayList<>();
    long n = 0;
    for (int f = 0; f < FILES; f++) {
      Path file = home.spoolFile(today.minusDays(FILES - f));
      ByteArrayOutputStream out = new ByteArrayOutputStream(LINES_PER_FILE * 400);
      int bad = 0;
      for (int i = 0; i < LINES_PER_FILE; i++, n++) {
        if (n % 97 == 0) {
          out.writeBytes(badLine(n));
          bad++;
        } else if (n % 89 == 0 && !earlierValid.isEmpty()) {
          out.writeBytes(earlierValid.get((int) (n % earlierValid.size())));
        } else {
          Envelope envelope = SampleEvents.mixed(n);
          byte[] line = line(envelope);
          validIds.add(envelope.eventId());
          if (n % 50 == 0) {
            earlierValid.add(line);
          }
          out.writeBytes(line);
        }
      }
      Files.createDirectories(file.getParent());
      Files.write(file, out.toByteArray());
      age(file);
      badLinesPerFile.put(file.getFileName().toString(), bad);
    }

    Random random = new Random(20261125);
    int kills = 0;
    int runs = 0;
    while (kills < KILLS && runs < KILLS * 3) {
      runs++;
      Process child = ChildJvm.builder(ReplayChild.class, java.util.Map.of(), home.dir().toString(), "1000")
          .redirectError(dir.resolve("child-" + runs + ".err").toFile())
          .start();
      int commitsBeforeKill = 1 + random.nextInt(6);
      int commits = 0;
      boolean finished = false;
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("done")) {
            finished = true;
            break;
          }
          if (line.startsWith("progress") && ++commits >= commitsBeforeKill) {
            Thread.sleep(random.nextInt(60));
            break;
          }
        }
        if (!finished) {
          child.destroyForcibly();
          kills++;
        }
      }
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child ended");
      if (finished) {
        break;
      }
      assertEquals(137, child.exitValue(), "killed with SIGKILL: " + Files.readString(dir.resolve("child-" + runs + ".err")));
    }
    assertTrue(kills >= 20, "killed mid-replay " + kills + " times");

    ReplaySummary last = ReplayTest.replayHome(home);
    assertEquals(null, last.failure());

    Path db = home.metaDb();
    assertEquals(validIds.size(), TestSpool.rows(db), "rows == distinct valid lines");
    assertEquals(validIds.size(), TestSpool.distinctIds(db), "no event twice");
    for (Map.Entry<String, Integer> file : badLinesPerFile.entrySet()) {
      Path rejects = Quarantine.rejectsFile(home.quarantineDir(), Path.of(file.getKey()));
      List<String> entries = Files.readAllLines(rejects, StandardCharsets.UTF_8);
      Set<Long> offsets = new HashSet<>();
      for (String entry : entries) {
        JsonNode node = TestSpool.JSON.readTree(entry);
        assertTrue(offsets.add(node.get("offset").longValue()), "a reject written twice: " + entry);
      }
      assertEquals(file.getValue(), entries.size(), file.getKey());
      Path replayed = home.replayedDir().resolve(file.getKey());
      assertTrue(Files.exists(replayed), "moved: " + file.getKey());
      assertFalse(Files.exists(home.logsDir().resolve(file.getKey())));
      assertEquals(
          (long) file.getValue(),
          TestSpool.count(db, "SELECT lines_quarantined FROM replay_ledger WHERE file = '" + replayed + "'"),
          "the ledger counted each reject once");
      assertEquals(
          (long) (LINES_PER_FILE - file.getValue()),
          TestSpool.count(db, "SELECT lines_applied FROM replay_ledger WHERE file = '" + replayed + "'"),
          "the ledger counted each applied line once");
    }
    System.out.println("ReplayCrashTest: " + kills + " kills over " + runs + " runs, " + validIds.size() + " events");
  }

  private static byte[] badLine(long n) {
    return switch ((int) (n % 3)) {
      case 0 -> text("{\"event_id\":\"bad-" + n + "\",\"table\":\"ticks\",\"ts_u\n");
      case 1 -> new byte[] {'{', (byte) 0xC3, '(', '}', '\n'};
      default -> text("{\"event_id\":\"bad-" + n + "\",\"table\":\"nope\",\"ts_utc\":\"2026-11-25T00:00:00Z\",\"data\":{}}\n");
    };
  }
}
