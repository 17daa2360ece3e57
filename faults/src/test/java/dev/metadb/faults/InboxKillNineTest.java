package dev.metadb.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.bench.InboxDocs;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbox under kill -9, with real processes throughout: writers are bash and python3 running
 * docs/inbox.md's own functions ({@link InboxDocs}), the ingester is {@code metadb ingest} in a
 * child JVM, killed with SIGKILL while they write.
 *
 * <ol>
 *   <li>32 bash writers and 32 python3 writers x 500 events, all at once, with garbage, invalid
 *       UTF-8, NUL bytes, unknown tables, torn records and fragments of writers killed mid-line
 *       among them, while the ingester is killed at least 10 times; then one {@code ingest --once}
 *       drains. Must hold: one row per line a writer wrote (writers exit 0 only when every append
 *       succeeded), no duplicate event_id, every bad line in quarantine exactly once with a reason.
 *   <li>A writer killed in the middle of a line, then another appending after it, under a running
 *       ingester: the fragment is quarantined with its reason, every later line lands once.
 *   <li>A trail tailed in place ({@code --trail}) while its writer appends and the ingester is
 *       killed and restarted: every line lands once.
 * </ol>
 *
 * <p>On a loaded two-core machine a JVM can take minutes to start, so the waits for a child are
 * generous ({@code -Dfaults.inboxkill.startupseconds}, 600 by default) and say what they waited
 * for; every process a test started is killed and reaped when it ends, with its descendants.
 * Counts scale with {@code -Dfaults.inboxkill.*}; the defaults are the numbers.
 */
class InboxKillNineTest {
  private static final Path DOCS = InboxDocs.file(Path.of("..").toAbsolutePath().normalize());
  private static final Duration STARTUP = Duration.ofSeconds(Scale.of("inboxkill.startupseconds", 600, 600));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MARKER = Pattern.compile("bad-(\\d+)");

  @TempDir Path tmp;

  private final List<Process> processes = new ArrayList<>();
  private final List<ChildProcess> children = new ArrayList<>();

  /** Kills and reaps whatever a test left running: writers, their sleeps, ingesters. */
  @AfterEach
  void reap() throws InterruptedException {
    for (ChildProcess child : children) {
      child.close();
    }
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void bashAndPythonWritersWhileTheIngesterIsKilledLandExactlyOnce() throws Exception {
    int writers = Scale.of("inboxkill.writers", 32, 32);
    int events = Scale.of("inboxkill.events", 500, 500);
    int minKills = Scale.of("inboxkill.kills", 10, 10);
    int badPerKind = Scale.of("inboxkill.bad", 6, 6);
    Random random = new Random(Long.getLong("faults.seed", 12));
    Home home = home();

    List<Process> writing = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      writing.add(bash(home, "bash-w" + w, w, events));
      writing.add(python(home, "python-w" + w, pythonWriter(w, events)));
    }
    Path bashFile = home.inboxFile("bash", today());
    Path pythonFile = home.inboxFile("python", today());
    BadLines bad = new BadLines(home, List.of(bashFile, pythonFile), badPerKind);
    Thread injector = new Thread(() -> bad.injectWhile(writing), "bad-lines");
    injector.start();

    int kills = 0;
    while (kills < minKills || writing.stream().anyMatch(Process::isAlive)) {
      ChildProcess ingester = ingester(home, "ingester-" + kills);
      Thread.sleep(200 + random.nextInt(800));
      assertTrue(ingester.isAlive(), "the ingester exited on its own: " + ingester.describe());
      ingester.kill9();
      kills++;
    }
    injector.join(TimeUnit.MINUTES.toMillis(10));
    assertFalse(injector.isAlive(), "the bad-line injector finished");
    assertEquals(null, bad.failure, "the bad-line injector");
    for (Process p : writing) {
      assertEquals(0, p.waitFor(), "a writer failed to append: " + Files.readString(log(p)));
    }
    // One more writer per file, as in life: its leading newline ends a fragment injected last.
    Process closing = python(home, "closing", String.join("\n",
        "metadb_event('ticks', {'source': 'closing-bash'}, source='bash')",
        "metadb_event('ticks', {'source': 'closing-python'}, source='python')"));
    assertEquals(0, closing.waitFor(), Files.readString(log(closing)));

    drain(home);
    Map<String, Long> rows = countBy(home, "SELECT source, count(*) FROM ticks GROUP BY source");
    assertEquals(2L * writers * events + 2, rows.size(), "one row per line written (distinct markers)");
    assertEquals(1L, rows.get("closing-bash"));
    assertEquals(1L, rows.get("closing-python"));
    for (int w = 0; w < writers; w++) {
      for (int i = 1; i <= events; i++) {
        assertEquals(1L, rows.getOrDefault("bash-w" + w + "-" + i, 0L), "bash writer " + w + " event " + i);
        assertEquals(1L, rows.getOrDefault("python-w" + w + "-" + i, 0L), "python writer " + w + " event " + i);
      }
    }
    assertEquals(0L, scalar(home, "SELECT count(*) - count(DISTINCT event_id) FROM ticks"), "no duplicate event_id");
    Map<Integer, List<String>> quarantined = quarantined(home);
    assertEquals(bad.count(), quarantined.size(), "every bad line is in quarantine: " + quarantined.keySet());
    quarantined.forEach((marker, reasons) -> {
      assertEquals(1, reasons.size(), "bad-" + marker + " is quarantined exactly once: " + reasons);
      assertFalse(reasons.get(0).isBlank(), "bad-" + marker + " has a reason");
    });
    System.out.println("[faults] InboxKillNineTest: " + 2 * writers + " writers x " + events + " events, " + kills
        + " ingester kills, " + bad.count() + " bad lines (" + bad.killedWriters + " from writers killed mid-line): all rows once");
  }

  @Test
  void aWriterKilledMidLineIsQuarantinedAndEverythingAfterLandsOnce() throws Exception {
    Home home = home();
    ChildProcess ingester = ingester(home, "ingester");
    Path file = home.inboxFile("mixed", today());
    String fragment = "{\"table\":\"ticks\",\"data\":{\"source\":\"bad-0 killed mid-line";
    Process killed = python(home, "killed-writer", fragmentWriter(file, fragment));
    awaitLine(killed, "wrote");
    killed.destroyForcibly();
    killed.waitFor();
    Process after = bash(home, "after", 0, 200, "mixed");
    assertEquals(0, after.waitFor(), Files.readString(log(after)));
    awaitRows(home, "SELECT count(*) FROM ticks", 200);
    ingester.kill9();
    drain(home);

    assertEquals(200L, scalar(home, "SELECT count(DISTINCT source) FROM ticks"));
    assertEquals(200L, scalar(home, "SELECT count(*) FROM ticks"));
    Map<Integer, List<String>> quarantined = quarantined(home);
    assertEquals(List.of(0), List.copyOf(quarantined.keySet()));
    String reason = quarantined.get(0).get(0);
    assertTrue(reason.contains("JSON"), "the reason names the problem: " + reason);
  }

  @Test
  void aTrailTailedInPlaceWhileItsWriterAppendsAndTheIngesterRestartsLandsOnce() throws Exception {
    int lines = Scale.of("inboxkill.traillines", 3000, 3000);
    Home home = home();
    Path trails = Files.createDirectories(tmp.resolve("agents"));
    Path trail = trails.resolve("watchdog-events-" + today() + ".jsonl");
    String glob = "watchdog_events=" + trails + "/watchdog-events-*.jsonl";
    Process writer = python(home, "trail-writer", String.join("\n",
        "import os, time",
        "fd = os.open('" + trail + "', os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)",
        "for i in range(1, " + lines + " + 1):",
        "    os.write(fd, ('{\"event\":\"trail-%d\",\"agent\":\"watchdog\",\"severity\":\"info\"}\\n' % i).encode())",
        "    if i % 50 == 0:",
        "        time.sleep(0.1)",
        "os.close(fd)"));
    int restarts = 0;
    while (writer.isAlive() || restarts < 3) {
      ChildProcess ingester = ingester(home, "ingester-" + restarts, "--trail", glob);
      Thread.sleep(500);
      ingester.kill9();
      restarts++;
    }
    assertEquals(0, writer.waitFor(), Files.readString(log(writer)));
    drain(home, "--trail", glob);
    Map<String, Long> rows = countBy(home, "SELECT event, count(*) FROM watchdog_events GROUP BY event");
    assertEquals(lines, rows.size(), "every trail line is a row");
    assertTrue(rows.values().stream().allMatch(n -> n == 1L), "no trail line twice");
    assertTrue(Files.readString(trail).lines().count() == lines, "the trail stays where it is, untouched");
  }

  // ---- processes ----

  private Home home() throws IOException {
    Path dir = tmp.resolve("home");
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    return new Home(dir);
  }

  private static LocalDate today() {
    return LocalDate.now(ZoneOffset.UTC);
  }

  /** {@code metadb ingest} in a child JVM, once it said it is running (a generous wait: loaded machines). */
  private ChildProcess ingester(Home home, String role, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("ingest", "--home", home.dir().toString(), "--max-latency-ms", "20"));
    args.addAll(List.of(extra));
    ChildProcess ingester = ChildProcess.metadb(tmp.resolve("logs"), role, args.toArray(String[]::new));
    children.add(ingester);
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (!ingester.saidOnStderr("running (pid")) {
      assertTrue(ingester.isAlive(), "the ingester exited before it ran: " + ingester.describe());
      assertTrue(System.nanoTime() < deadline, "the ingester did not start within " + STARTUP + ": " + ingester.describe());
      Thread.sleep(20);
    }
    return ingester;
  }

  /** {@code metadb ingest --once}: applies everything there is, then exits 0. */
  private void drain(Home home, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("ingest", "--once", "--home", home.dir().toString()));
    args.addAll(List.of(extra));
    ChildProcess drain = ChildProcess.metadb(tmp.resolve("logs"), "drain", args.toArray(String[]::new));
    children.add(drain);
    assertEquals(0, drain.await(STARTUP), drain.describe());
    assertEquals(List.of(), drain.crashLines(), drain.describe());
  }

  /** A bash writer: docs/inbox.md's function, {@code events} events as SOURCE, a pause every 25. */
  private Process bash(Home home, String role, int w, int events) throws IOException {
    return bash(home, role, w, events, "bash");
  }

  private Process bash(Home home, String role, int w, int events, String source) throws IOException {
    String body = String.join("\n",
        "for ((i = 1; i <= " + events + "; i++)); do",
        "  metadb_event ticks \"{\\\"source\\\":\\\"" + role + "-$i\\\"}\" " + source + " || exit 1",
        "  ((i % 25)) || sleep 0.5",
        "done");
    Path script = Files.writeString(tmp.resolve(role + ".sh"), InboxDocs.block(DOCS, InboxDocs.BASH) + "\n" + body + "\n");
    return start(home, role, "bash", script.toString());
  }

  private static String pythonWriter(int w, int events) {
    return String.join("\n",
        "import time",
        "for i in range(1, " + events + " + 1):",
        "    metadb_event('ticks', {'source': 'python-w" + w + "-%d' % i})",
        "    if i % 25 == 0:",
        "        time.sleep(0.5)");
  }

  /** A python3 process that writes "\n" and half a record, says so, and waits to be killed. */
  private static String fragmentWriter(Path file, String fragment) {
    return String.join("\n",
        "import os, sys, time",
        "os.makedirs('" + file.getParent() + "', mode=0o700, exist_ok=True)",
        "fd = os.open('" + file + "', os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)",
        "os.write(fd, ('\\n' + '" + fragment.replace("\\", "\\\\").replace("'", "\\'") + "').encode())",
        "print('wrote', flush=True)",
        "time.sleep(3600)");
  }

  /** A python3 process: docs/inbox.md's function, then {@code body}. */
  private Process python(Home home, String role, String body) throws IOException {
    Path script = Files.writeString(tmp.resolve(role + ".py"), InboxDocs.block(DOCS, InboxDocs.PYTHON) + "\n" + body + "\n");
    return start(home, role, "python3", script.toString());
  }

  private Process start(Home home, String role, String... command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile(role).toFile());
    pb.environment().put("METADB_HOME", home.dir().toString());
    Process p = pb.start();
    synchronized (processes) {
      processes.add(p);
      logs.put(p, logFile(role));
    }
    return p;
  }

  private final Map<Process, Path> logs = new HashMap<>();

  private Path logFile(String role) throws IOException {
    return Files.createDirectories(tmp.resolve("logs")).resolve(role + ".log");
  }

  private Path log(Process p) {
    synchronized (processes) {
      return logs.get(p);
    }
  }

  private void awaitLine(Process p, String text) throws Exception {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (!Files.readString(log(p)).contains(text)) {
      assertTrue(p.isAlive(), "exited before saying '" + text + "': " + Files.readString(log(p)));
      assertTrue(System.nanoTime() < deadline, "no '" + text + "' within " + STARTUP);
      Thread.sleep(20);
    }
  }

  // ---- what landed ----

  private static Connection read(Home home) throws Exception {
    return DriverManager.getConnection("jdbc:sqlite:file:" + home.metaDb() + "?mode=ro");
  }

  private static long scalar(Home home, String sql) throws Exception {
    try (Connection c = read(home); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Map<String, Long> countBy(Home home, String sql) throws Exception {
    Map<String, Long> counts = new HashMap<>();
    try (Connection c = read(home); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        counts.put(rs.getString(1), rs.getLong(2));
      }
    }
    return counts;
  }

  private static void awaitRows(Home home, String sql, long rows) throws Exception {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (!Files.exists(home.metaDb()) || scalarOrZero(home, sql) < rows) {
      assertTrue(System.nanoTime() < deadline, "fewer than " + rows + " rows within " + STARTUP);
      Thread.sleep(50);
    }
  }

  private static long scalarOrZero(Home home, String sql) throws Exception {
    try {
      return scalar(home, sql);
    } catch (java.sql.SQLException notYet) {
      return 0; // meta.db exists but its tables are being created
    }
  }

  /**
   * Every quarantine entry of the home, by the {@code bad-N} marker in its line (raw text, or the
   * bytes of raw_base64), with each entry's reason. An entry without a marker is a good line
   * quarantined, a failure by itself.
   */
  private static Map<Integer, List<String>> quarantined(Home home) throws IOException {
    Map<Integer, List<String>> byMarker = new TreeMap<>();
    Path dir = home.quarantineDir();
    if (!Files.isDirectory(dir)) {
      return byMarker;
    }
    try (var files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".rejects.jsonl")).toList()) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          JsonNode entry = JSON.readTree(line);
          String raw = entry.has("raw") ? entry.get("raw").asText()
              : new String(Base64.getDecoder().decode(entry.path("raw_base64").asText()), StandardCharsets.ISO_8859_1);
          Matcher m = MARKER.matcher(raw);
          assertTrue(m.find(), "a line that was not bad is in quarantine: " + line);
          byMarker.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new ArrayList<>()).add(entry.path("reason").asText());
        }
      }
    }
    return byMarker;
  }

  /**
   * Bad lines among the writers' records, each carrying a {@code bad-N} marker: garbage, an
   * unknown table, invalid UTF-8, a raw NUL byte, a torn record (no line end; the next writer's
   * leading newline ends it), each one {@code write()} on O_APPEND like a writer's; and fragments
   * of python3 writers killed with SIGKILL in the middle of a line.
   */
  private final class BadLines {
    private final Home home;
    private final List<Path> files;
    private final int perKind;
    private int next;
    int killedWriters;
    volatile String failure;

    BadLines(Home home, List<Path> files, int perKind) {
      this.home = home;
      this.files = files;
      this.perKind = perKind;
    }

    int count() {
      return next;
    }

    void injectWhile(List<Process> writing) {
      try {
        for (Path f : files) {
          while (!Files.exists(f)) {
            Thread.sleep(20); // the writers create the files (0600); nothing of ours is written first
          }
        }
        for (int round = 0; round < perKind && writing.stream().anyMatch(Process::isAlive); round++) {
          for (int kind = 0; kind < 6; kind++) {
            Path file = files.get((round + kind) % files.size());
            int marker = next++;
            if (kind == 5) {
              Process p = python(home, "killed-" + marker,
                  fragmentWriter(file, "{\"table\":\"ticks\",\"data\":{\"source\":\"bad-" + marker));
              awaitLine(p, "wrote");
              p.destroyForcibly();
              p.waitFor();
              killedWriters++;
            } else {
              append(file, line(kind, marker));
            }
            Thread.sleep(50);
          }
        }
      } catch (Exception | AssertionError e) {
        failure = e.toString();
      }
    }

    private static byte[] line(int kind, int marker) {
      String m = "bad-" + marker;
      byte[] body = switch (kind) {
        case 0 -> (m + " is not JSON at all").getBytes(StandardCharsets.UTF_8);
        case 1 -> ("{\"table\":\"no_such_table\",\"data\":{\"source\":\"" + m + "\"}}").getBytes(StandardCharsets.UTF_8);
        case 2 -> concat(("{\"table\":\"ticks\",\"data\":{\"source\":\"" + m + " ").getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0xC3, (byte) 0x28}, "\"}}".getBytes(StandardCharsets.UTF_8));
        case 3 -> concat(("{\"table\":\"ticks\",\"data\":{\"source\":\"" + m).getBytes(StandardCharsets.UTF_8),
            new byte[] {0}, "\"}}".getBytes(StandardCharsets.UTF_8));
        default -> ("{\"table\":\"ticks\",\"data\":{\"source\":\"" + m + " torn").getBytes(StandardCharsets.UTF_8);
      };
      boolean torn = kind == 4;
      return concat(new byte[] {'\n'}, body, torn ? new byte[0] : new byte[] {'\n'});
    }

    private static byte[] concat(byte[]... parts) {
      int n = 0;
      for (byte[] p : parts) {
        n += p.length;
      }
      ByteBuffer all = ByteBuffer.allocate(n);
      for (byte[] p : parts) {
        all.put(p);
      }
      return all.array();
    }

    private static void append(Path file, byte[] record) throws IOException {
      try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        assertEquals(record.length, out.write(ByteBuffer.wrap(record)), "one write() of the whole record");
      }
    }
  }
}
