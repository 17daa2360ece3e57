package dev.metadb.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the queue cannot take events they land in the spool, whole, with the reason; none is lost. */
class SpoolFallbackTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void aRegularFileWhereTheQueueDirectoryShouldBeSendsEventsToTheSpool() throws Exception {
    Home home = new Home(tmp.resolve("home"));
    Files.createDirectories(home.dir());
    Files.writeString(home.queueDir(), "not a directory");
    Map<String, String> results = runChild(home, 50, Map.of());
    assertEquals(50, results.size());
    assertTrue(results.values().stream().allMatch("SPOOLED"::equals), results.values().toString());
    List<JsonNode> lines = spoolLines(home);
    assertEquals(50, lines.size());
    assertEquals(results.keySet(), lines.stream().map(l -> l.get("event_id").asText()).collect(Collectors.toSet()));
    for (JsonNode line : lines) {
      assertEquals("writer", line.at("/spool/stage").asText());
      assertTrue(line.at("/spool/reason").asText().contains("not a directory"), line.toString());
    }
    for (String raw : Files.readAllLines(home.spoolFiles().get(0))) {
      Envelope e = EnvelopeCodec.decode(raw.getBytes(StandardCharsets.UTF_8));
      assertTrue(results.containsKey(e.eventId()));
    }
  }

  @Test
  void aFullFilesystemUnderTheQueueSendsTheOverflowToTheSpool() throws Exception {
    Home home = new Home(tmp.resolve("home"));
    Files.createDirectories(home.queueDir());
    Tmpfs.assumeAvailable(tmp);
    Tmpfs.mount(home.queueDir(), "3m");
    try {
      Map<String, String> results = runChild(home, 4000, Map.of("WRITER_CHILD_BODY_BYTES", "2048"));
      assertEquals(4000, results.size());
      Set<String> queued = ids(results, "QUEUED");
      Set<String> spooled = ids(results, "SPOOLED");
      assertEquals(4000, queued.size() + spooled.size(), "no event failed or vanished: " + results.values().stream().distinct().toList());
      assertTrue(spooled.size() > 0, "a 3 MiB filesystem cannot hold 8 MiB of events");
      Set<String> inSpool = spoolLines(home).stream().map(l -> l.get("event_id").asText()).collect(Collectors.toSet());
      assertEquals(spooled, inSpool);
    } finally {
      Tmpfs.unmount(home.queueDir());
    }
  }

  @Test
  void whenTheSpoolFailsTooTheResultSaysFailedAndStderrSaysWhy() throws Exception {
    Home home = new Home(tmp.resolve("home"));
    Files.createDirectories(home.dir());
    Files.writeString(home.queueDir(), "not a directory");
    Files.writeString(home.logsDir(), "not a directory either");
    Path stderr = tmp.resolve("stderr");
    Process p = ChildJvm.start(WriterChild.class, Map.of(), stderr, home.dir().toString(), "3");
    List<String> lines = readAll(p);
    assertEquals(0, p.waitFor());
    assertEquals(3, lines.stream().filter(l -> l.startsWith("FAILED ")).count(), lines.toString());
    String err = Files.readString(stderr);
    assertTrue(err.contains("could not record"), err);
    assertTrue(err.contains("spool:"), err);
  }

  @Test
  void sixteenProcessesAppendingToOneSpoolNeverTearALine() throws Exception {
    Home home = new Home(tmp.resolve("home"));
    Files.createDirectories(home.dir());
    Files.writeString(home.queueDir(), "not a directory");
    List<Process> children = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      children.add(ChildJvm.start(WriterChild.class, Map.of("WRITER_CHILD_BODY_BYTES", "700"), tmp.resolve("err-" + i), home.dir().toString(), "1000"));
    }
    Set<String> acknowledged = new HashSet<>();
    for (Process p : children) {
      for (String line : readAll(p).subList(1, 1001)) {
        assertTrue(line.startsWith("SPOOLED "), line);
        acknowledged.add(line.substring(8));
      }
      assertEquals(0, p.waitFor());
    }
    List<String> raw = Files.readAllLines(home.spoolFiles().get(0));
    assertEquals(16000, raw.size());
    Set<String> ids = new HashSet<>();
    for (String line : raw) {
      ids.add(EnvelopeCodec.decode(line.getBytes(StandardCharsets.UTF_8)).eventId());
    }
    assertEquals(acknowledged, ids);
  }

  private Map<String, String> runChild(Home home, int count, Map<String, String> env) throws Exception {
    Process p = ChildJvm.start(WriterChild.class, env, tmp.resolve("stderr-" + count), home.dir().toString(), Integer.toString(count));
    List<String> lines = readAll(p);
    assertEquals(0, p.waitFor(), "writer exit code");
    Map<String, String> results = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] parts = line.split(" ");
      results.put(parts[1], parts[0]);
    }
    return results;
  }

  private static Set<String> ids(Map<String, String> results, String status) {
    return results.entrySet().stream().filter(e -> e.getValue().equals(status)).map(Map.Entry::getKey).collect(Collectors.toSet());
  }

  private static List<JsonNode> spoolLines(Home home) throws Exception {
    List<JsonNode> all = new ArrayList<>();
    for (Path f : home.spoolFiles()) {
      for (String line : Files.readAllLines(f)) {
        all.add(JSON.readTree(line));
      }
    }
    return all;
  }

  private static List<String> readAll(Process p) throws Exception {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      return r.lines().toList();
    }
  }
}
