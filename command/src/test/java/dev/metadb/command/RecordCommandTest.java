package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.InvalidEventException;
import dev.metadb.event.Message;
import dev.metadb.writer.Home;
import dev.metadb.writer.InboxContents;
import dev.metadb.writer.Tmpfs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metadb record}: exit codes, messages, and what lands in the inbox, the spool and meta.db. */
class RecordCommandTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  private Run runWithStdin(String stdin, String... args) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      return run(args);
    } finally {
      System.setIn(saved);
    }
  }

  private static List<Envelope> inbox(Path home) throws Exception {
    return InboxContents.read(new Home(home));
  }

  private static Envelope decode(String line) throws InvalidEventException {
    return EnvelopeCodec.decode(line.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void jsonFieldAndStdinInputsLandInTheInboxAndThenInMetaDb() throws Exception {
    String home = tmp.resolve("h").toString();
    Run a = run("record", "--home", home, "messages", "--json", "{\"source\":\"bus\",\"direction\":\"inbound\",\"body\":\"hi\"}");
    assertEquals(0, a.code, a.err);
    Run b = run("record", "--home", home, "cli_invocations", "--field", "bin=git", "--field", "exit_code=0", "--field", "duration_ms=412");
    assertEquals(0, b.code, b.err);
    Run c = runWithStdin("{\"source\":\"a\"}\n\n{\"source\":\"b\"}\n", "record", "--home", home, "ticks", "-");
    assertEquals(0, c.code, c.err);
    assertEquals(2, c.out.lines().count());
    List<Envelope> appended = inbox(Path.of(home));
    assertEquals(4, appended.size());
    assertEquals("hi", ((Message) appended.get(0).event()).body());
    assertEquals(a.out.trim(), appended.get(0).eventId());
    assertTrue(Files.notExists(Path.of(home, "queue")), "record opens no writer slot");

    Run ingest = run("ingest", "--home", home, "--once");
    assertEquals(0, ingest.code, ingest.err);
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + Path.of(home, "meta.db"));
        Statement s = db.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT body FROM messages WHERE event_id = '" + a.out.trim() + "'")) {
        assertTrue(rs.next(), "the --json event is in meta.db");
        assertEquals("hi", rs.getString(1));
      }
      try (ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM cli_invocations)"
          + " + (SELECT count(*) FROM ticks)")) {
        rs.next();
        assertEquals(4, rs.getLong(1), "every recorded event is one row");
      }
    }
  }

  @Test
  void invalidInputExitsTwoAndNamesTheProblem() {
    String home = tmp.resolve("h").toString();
    Run unknownTable = run("record", "--home", home, "mesages", "--json", "{}");
    assertEquals(2, unknownTable.code);
    assertTrue(unknownTable.err.contains("mesages: unknown table, did you mean 'messages'? (tables: "), unknownTable.err);
    Run badEnum = run("record", "--home", home, "messages", "--field", "source=x", "--field", "direction=up");
    assertEquals(2, badEnum.code);
    assertTrue(badEnum.err.contains("messages.direction: 'up' is not one of inbound, outbound"), badEnum.err);
    Run badJson = run("record", "--home", home, "ticks", "--json", "{\"source\":");
    assertEquals(2, badJson.code);
    assertEquals("metadb record: ticks --json: line 1, column 11: unexpected end of input (an object is not closed)\n", badJson.err);
    Run noInput = run("record", "--home", home, "ticks");
    assertEquals(2, noInput.code);
    assertTrue(noInput.err.contains("give exactly one of --json OBJECT, --field NAME=VALUE..., or - (stdin)"), noInput.err);
  }

  @Test
  void stdinWithSomeBadLinesRecordsTheGoodOnesAndExitsTwo() throws Exception {
    String home = tmp.resolve("h").toString();
    Run r = runWithStdin("{\"source\":\"a\"}\n{\"source\":1}\nnot json\n{\"source\":\"b\"}\n", "record", "--home", home, "ticks", "-");
    assertEquals(2, r.code);
    assertTrue(r.err.contains("stdin line 2: ticks.source: expected a string, got the number 1"), r.err);
    assertTrue(r.err.contains("stdin line 3: ticks: not valid JSON: column 1: unexpected 'not'"), r.err);
    assertEquals(2, inbox(Path.of(home)).size());
  }

  @Test
  void spooledEventsExitZeroAndSaySoOnStderr() throws Exception {
    Path home = tmp.resolve("h");
    Files.createDirectories(home);
    Files.writeString(home.resolve("inbox"), "in the way");
    Run r = run("record", "--home", home.toString(), "ticks", "--field", "source=x");
    assertEquals(0, r.code, r.err);
    assertTrue(r.err.contains("inbox unavailable, event " + r.out.strip() + " spooled for replay (inbox append failed: "), r.err);
    List<String> spooled = Files.readAllLines(new Home(home).spoolFileToday());
    assertEquals(1, spooled.size());
    assertEquals(r.out.strip(), decode(spooled.get(0)).eventId());
  }

  @Test
  void neitherInboxNorSpoolExitsOne() throws Exception {
    Path home = tmp.resolve("h");
    Files.createDirectories(home);
    Files.writeString(home.resolve("inbox"), "in the way");
    Files.writeString(home.resolve("logs"), "in the way too");
    Run r = run("record", "--home", home.toString(), "ticks", "--field", "source=x");
    assertEquals(1, r.code);
    assertTrue(r.err.contains("NOT recorded: inbox append failed: "), r.err);
    assertTrue(r.err.contains("; spool: "), r.err);
    assertEquals("", r.out, "no id is printed for an event that was not recorded");
  }

  /**
   * A real full filesystem under the inbox: the record goes to the spool (exit 0, said on
   * stderr); with the spool's filesystem full too, exit 1 and no id printed. Nothing half-counted:
   * after the disks have room again, ingest and replay find exactly the one spooled event.
   */
  @Test
  void fullInboxFallsBackToTheSpoolAndBothFullExitsOne() throws Exception {
    Tmpfs.assumeAvailable(tmp);
    Path home = Files.createDirectories(tmp.resolve("h"));
    Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Path inboxDir = home.resolve("inbox");
    Path logsDir = home.resolve("logs");
    Tmpfs.mount(inboxDir, "64k");
    try {
      Tmpfs.fill(inboxDir, "filler");
      Run spooled = run("record", "--home", home.toString(), "ticks", "--field", "source=full-inbox");
      assertEquals(0, spooled.code, spooled.err);
      assertTrue(spooled.err.contains("spooled for replay (inbox append failed: "), spooled.err);
      assertEquals(1, Files.readAllLines(new Home(home).spoolFileToday()).size());

      Tmpfs.mount(logsDir, "64k");
      try {
        Tmpfs.fill(logsDir, "filler");
        Run failed = run("record", "--home", home.toString(), "ticks", "--field", "source=both-full");
        assertEquals(1, failed.code, failed.err);
        assertTrue(failed.err.contains("NOT recorded: inbox append failed: "), failed.err);
        assertEquals("", failed.out, "nothing is reported recorded");
      } finally {
        Tmpfs.unmount(logsDir);
      }
      assertEquals(List.of(), inbox(home).stream().map(Envelope::eventId).toList(), "no whole record reached the full inbox");
    } finally {
      Tmpfs.unmount(inboxDir);
    }
  }

  /**
   * {@code metadb record} in a real child JVM whose classpath holds Chronicle: not one
   * {@code net.openhft} class loads ({@code -verbose:class} lists every class the JVM loads).
   */
  @Test
  void recordLoadsNoChronicleClass() throws Exception {
    Path home = tmp.resolve("h");
    ProcessBuilder pb = dev.metadb.writer.ChildJvm.builder(RecordMain.class, java.util.Map.of(),
        "ticks", "--home", home.toString(), "--json", "{\"source\":\"no-chronicle\",\"detail_json\":\"{}\"}");
    pb.command().add(1, "-verbose:class");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, java.util.concurrent.TimeUnit.MINUTES), "the record child finished");
    assertEquals(0, p.exitValue(), output);
    assertTrue(output.contains("dev.metadb.writer.InboxRecorder"), "-verbose:class lists the classes loaded");
    assertEquals(List.of(), output.lines().filter(l -> l.contains("net.openhft")).limit(5).toList());
    assertEquals(1, inbox(home).size());
  }

  @Test
  void everySubcommandsHelpHasExamples() {
    for (String sub : List.of("record", "ingest", "replay", "query", "export", "status", "demo")) {
      Run r = run(sub, "--help");
      assertEquals(0, r.code, sub + ": " + r.err);
      assertTrue(r.out.contains("Examples:"), sub + ": " + r.out);
      assertTrue(r.out.contains("metadb " + sub), sub + ": " + r.out);
    }
    Run top = run("--help");
    assertEquals(0, top.code);
    for (String sub : List.of("record", "ingest", "replay", "query", "export", "status", "demo")) {
      assertTrue(top.out.contains(sub), top.out);
    }
  }
}
