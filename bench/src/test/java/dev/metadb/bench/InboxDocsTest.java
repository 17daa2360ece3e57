package dev.metadb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.Message;
import dev.metadb.event.Tick;
import dev.metadb.writer.Home;
import dev.metadb.writer.Tmpfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bash and python3 functions of docs/inbox.md, taken from the document itself ({@link
 * InboxDocs}) and run as real processes: what they append is a valid envelope per line in the
 * documented file, concurrent writers never tear each other's lines, and a full disk makes them
 * fail visibly.
 */
class InboxDocsTest {
  private static final Path DOCS = InboxDocs.file(Path.of("..").toAbsolutePath().normalize());
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  private Run run(Path home, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("METADB_HOME", home.toString());
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", command));
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** A bash script: the documented function, then {@code body}. */
  private Path bash(String body) throws Exception {
    Path script = Files.createTempFile(tmp, "writer", ".sh");
    Files.writeString(script, InboxDocs.block(DOCS, InboxDocs.BASH) + "\n" + body + "\n");
    return script;
  }

  /** A python3 script: the documented function, then {@code body}. */
  private Path python(String body) throws Exception {
    Path script = Files.createTempFile(tmp, "writer", ".py");
    Files.writeString(script, InboxDocs.block(DOCS, InboxDocs.PYTHON) + "\n" + body + "\n");
    return script;
  }

  /** Every non-blank line of {@code file}, decoded as metadb decodes it (a missing ts_utc stamped, as the ingester does). */
  private static List<Envelope> envelopes(Path file) throws Exception {
    List<Envelope> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isEmpty()) {
        continue;
      }
      ObjectNode node = (ObjectNode) JSON.readTree(line);
      if (!node.has("ts_utc")) {
        node.put("ts_utc", "2026-12-02T00:00:00Z");
      }
      out.add(EnvelopeCodec.decode(JSON.writeValueAsBytes(node)));
    }
    return out;
  }

  private static Path today(Home home, String source) {
    return home.inboxFile(source, LocalDate.now(ZoneOffset.UTC));
  }

  @Test
  void theBashFunctionAppendsOneValidEventPerCallInTodaysFile() throws Exception {
    Home home = new Home(tmp.resolve("home"));
    Run r = run(home.dir(), "bash", bash("""
        for i in $(seq 1 50); do metadb_event ticks "{\\"source\\":\\"loop-$i\\"}" || exit 1; done
        metadb_event ticks '{"source":"same"}' && metadb_event ticks '{"source":"same"}' || exit 1
        metadb_event messages '{"source":"bus","direction":"inbound","body":"a\\nb \\u00e9"}' mine
        """).toString());
    assertEquals(0, r.code, r.err);
    assertEquals("", r.err);
    List<Envelope> ticks = envelopes(today(home, "bash"));
    assertEquals(52, ticks.size());
    assertEquals("loop-1", ((Tick) ticks.get(0).event()).source());
    assertEquals("same", ((Tick) ticks.get(51).event()).source(), "the same text twice is two lines: two events");
    Message m = (Message) envelopes(today(home, "mine")).get(0).event();
    assertEquals("a\nb é", m.body());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.inboxDir())));
    String raw = Files.readString(today(home, "mine"));
    assertTrue(raw.startsWith("\n{\"table\":\"messages\"") && raw.endsWith("}\n"), raw);
  }

  @Test
  void theBashFunctionRefusesAnEventOverFourKibibytes() throws Exception {
    Home home = new Home(tmp.resolve("home"));
    Run r = run(home.dir(), "bash", bash("""
        metadb_event ticks "{\\"source\\":\\"$(printf 'x%.0s' $(seq 1 5000))\\"}"
        echo "exit $?"
        """).toString());
    assertEquals("exit 2\n", r.out, r.err);
    assertTrue(r.err.contains("metadb_event: event over 4 KiB"), r.err);
    assertTrue(!Files.exists(today(home, "bash")), "nothing written");
  }

  @Test
  void thePythonFunctionAppendsValidEventsWithTheirTime() throws Exception {
    Home home = new Home(tmp.resolve("home"));
    Run r = run(home.dir(), "python3", python("""
        for i in range(50):
            metadb_event("messages", {"source": "py", "direction": "outbound", "body": "line %d\\nnext \\u2028 \\U0001F600" % i})
        metadb_event("token_usage", {"model": "m", "agent": "a", "input_tokens": 2**62}, source="agent")
        """).toString());
    assertEquals(0, r.code, r.err);
    List<Envelope> messages = envelopes(today(home, "python"));
    assertEquals(50, messages.size());
    assertEquals("line 49\nnext \u2028 \uD83D\uDE00", ((Message) messages.get(49).event()).body());
    assertTrue(Files.readString(today(home, "python")).contains("\"ts_utc\":\"" + LocalDate.now(ZoneOffset.UTC) + "T"));
    assertEquals(1, envelopes(today(home, "agent")).size());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(today(home, "python"))));
  }

  @Test
  void bashAndPythonWritersAppendingToOneFileTogetherNeverTearALine() throws Exception {
    Home home = new Home(tmp.resolve("home"));
    Path bash = bash("for i in $(seq 1 200); do metadb_event ticks \"{\\\"source\\\":\\\"bash-$1-$i\\\"}\" mix || exit 1; done");
    Path python = python("""
        import sys
        for i in range(200):
            metadb_event("ticks", {"source": "py-%s-%d" % (sys.argv[1], i), "detail_json": "{\\"pad\\":\\"%s\\"}" % ("p" * 3000)}, source="mix")
        """);
    List<Process> writers = new ArrayList<>();
    for (int w = 0; w < 6; w++) {
      for (Path script : List.of(bash, python)) {
        ProcessBuilder pb = new ProcessBuilder(script == bash ? "bash" : "python3", script.toString(), Integer.toString(w));
        pb.environment().put("METADB_HOME", home.dir().toString());
        writers.add(pb.redirectErrorStream(true).redirectOutput(tmp.resolve("writer-" + writers.size()).toFile()).start());
      }
    }
    for (Process p : writers) {
      assertTrue(p.waitFor(5, TimeUnit.MINUTES));
      assertEquals(0, p.exitValue());
    }
    Map<String, Integer> seen = new HashMap<>();
    for (Envelope e : envelopes(today(home, "mix"))) {
      seen.merge(((Tick) e.event()).source(), 1, Integer::sum);
    }
    assertEquals(12 * 200, seen.size());
    assertTrue(seen.values().stream().allMatch(n -> n == 1), "every event once");
  }

  @Test
  void onAFullDiskBothFunctionsFailVisibly() throws Exception {
    Tmpfs.assumeAvailable(tmp);
    Home home = new Home(tmp.resolve("home"));
    Tmpfs.mount(home.inboxDir(), "64k");
    try {
      Tmpfs.fill(home.inboxDir(), "filler");
      Run b = run(home.dir(), "bash", bash("metadb_event ticks '{\"source\":\"full\"}'\necho \"exit $?\"").toString());
      assertNotEquals("exit 0\n", b.out, b.err);
      assertTrue(b.out.startsWith("exit "), b.out);
      assertTrue(b.err.contains("No space left on device"), b.err);
      Run p = run(home.dir(), "python3", python("metadb_event('ticks', {'source': 'full'})").toString());
      assertNotEquals(0, p.code);
      assertTrue(p.err.contains("OSError") && p.err.contains("No space left on device"), p.err);
      assertTrue(!Files.exists(today(home, "bash")) || envelopes(today(home, "bash")).isEmpty(), "nothing recorded");
    } finally {
      Tmpfs.unmount(home.inboxDir());
    }
  }
}
