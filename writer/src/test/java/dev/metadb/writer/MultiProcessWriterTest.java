package dev.metadb.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Envelope;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writer slots under real concurrent processes, a slot cap, and kill -9. */
class MultiProcessWriterTest {
  @TempDir Path tmp;

  @Test
  void eightProcessesEachAppendFiveHundredAndAllAreReadable() throws Exception {
    Home home = new Home(tmp.resolve("home"));
    List<Process> children = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      children.add(ChildJvm.start(WriterChild.class, Map.of(), tmp.resolve("err-" + i), home.dir().toString(), "500"));
    }
    Set<String> acknowledged = new HashSet<>();
    Set<String> slots = new HashSet<>();
    for (Process p : children) {
      List<String> lines = readAll(p);
      assertEquals(0, p.waitFor(), "writer exit code");
      slots.add(lines.get(0));
      for (String line : lines.subList(1, lines.size())) {
        assertTrue(line.startsWith("QUEUED "), line);
        acknowledged.add(line.substring(7));
      }
    }
    assertEquals(4000, acknowledged.size());
    List<Envelope> entries = QueueContents.read(home);
    assertEquals(4000, entries.size());
    Set<String> ids = entries.stream().map(Envelope::eventId).collect(Collectors.toSet());
    assertEquals(4000, ids.size(), "distinct event ids");
    assertEquals(acknowledged, ids);
    assertTrue(slots.size() >= 1, "slots used: " + slots);
  }

  @Test
  void moreProcessesThanTheSlotCapStillAllRecord() throws Exception {
    Home home = new Home(tmp.resolve("home"));
    // 2 slots, 5 writers that each keep their slot for a while after writing: the others wait
    // (claim timeout 300 ms) and then record through the spool. None may fail.
    Map<String, String> env = Map.of("METADB_MAX_SLOTS", "2", "METADB_CLAIM_TIMEOUT_MS", "300");
    List<Process> children = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      children.add(ChildJvm.start(WriterChild.class, env, tmp.resolve("err-" + i), home.dir().toString(), "20", "0", "1500"));
    }
    int queued = 0;
    int spooled = 0;
    Set<String> ids = new HashSet<>();
    for (Process p : children) {
      List<String> lines = readAll(p);
      assertEquals(0, p.waitFor());
      for (String line : lines.subList(1, lines.size())) {
        String[] parts = line.split(" ");
        ids.add(parts[1]);
        switch (parts[0]) {
          case "QUEUED" -> queued++;
          case "SPOOLED" -> spooled++;
          default -> throw new AssertionError("unexpected result: " + line + "\n" + stderrOf(5));
        }
      }
    }
    assertEquals(100, ids.size());
    assertEquals(100, queued + spooled);
    assertTrue(Files.list(home.queueDir()).filter(Files::isDirectory).count() <= 2, "slot cap respected");
    assertEquals(queued, QueueContents.read(home).size());
    long spoolLines = 0;
    for (Path f : home.spoolFiles()) {
      spoolLines += Files.readAllLines(f).size();
    }
    assertEquals(spooled, spoolLines);
  }

  @Test
  void killedWritersSlotIsReusedAtOnceAndItsAcknowledgedEventsSurvive() throws Exception {
    Home home = new Home(tmp.resolve("home"));
    Process victim = ChildJvm.start(WriterChild.class, Map.of(), tmp.resolve("err-victim"), home.dir().toString(), "0");
    BufferedReader out = new BufferedReader(new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8));
    String slotLine = out.readLine();
    Set<String> acknowledged = new HashSet<>();
    while (acknowledged.size() < 3000) {
      String line = out.readLine();
      assertTrue(line.startsWith("QUEUED "), line);
      acknowledged.add(line.substring(7));
    }
    killDashNine(victim); // mid-burst: the writer never stops appending on its own
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("QUEUED ")) {
        acknowledged.add(line.substring(7));
      }
    }

    long start = System.nanoTime();
    Process next = ChildJvm.start(WriterChild.class, Map.of(), tmp.resolve("err-next"), home.dir().toString(), "10");
    List<String> nextLines = readAll(next);
    assertEquals(0, next.waitFor());
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    assertEquals(slotLine, nextLines.get(0), "the dead writer's slot is the one reused");
    nextLines.subList(1, nextLines.size()).forEach(l -> assertTrue(l.startsWith("QUEUED "), l));
    // Chronicle's own recovery would wait out its 15 s lock timeout; the slot owner clears it.
    assertTrue(seconds < 10, "next writer took " + seconds + " s");

    Set<String> inQueue = QueueContents.read(home).stream().map(Envelope::eventId).collect(Collectors.toSet());
    assertTrue(inQueue.containsAll(acknowledged), "every acknowledged event is readable");
    // At most one event was appended but not yet acknowledged on stdout when the kill landed.
    int unacknowledged = inQueue.size() - acknowledged.size() - 10;
    assertTrue(unacknowledged == 0 || unacknowledged == 1, "unacknowledged entries: " + unacknowledged);
  }

  private String stderrOf(int children) throws Exception {
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < children; i++) {
      all.append(Files.readString(tmp.resolve("err-" + i)));
    }
    return all.toString();
  }

  /** A real {@code kill -9}; Process.destroyForcibly would also close our end of its stdout. */
  static void killDashNine(Process p) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-9", Long.toString(p.pid())).inheritIO().start().waitFor());
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
  }

  private static List<String> readAll(Process p) throws Exception {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      return r.lines().toList();
    }
  }
}
