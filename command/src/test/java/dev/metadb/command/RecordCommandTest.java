package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Envelope;
import dev.metadb.event.Message;
import dev.metadb.writer.Home;
import dev.metadb.writer.QueueContents;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metadb record}: exit codes, messages, and what lands in the queue or spool. */
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

  @Test
  void jsonFieldAndStdinInputsAllLandInTheQueue() throws Exception {
    String home = tmp.resolve("h").toString();
    Run a = run("record", "--home", home, "messages", "--json", "{\"source\":\"bus\",\"direction\":\"inbound\",\"body\":\"hi\"}");
    assertEquals(0, a.code, a.err);
    Run b = run("record", "--home", home, "cli_invocations", "--field", "bin=git", "--field", "exit_code=0", "--field", "duration_ms=412");
    assertEquals(0, b.code, b.err);
    Run c = runWithStdin("{\"source\":\"a\"}\n\n{\"source\":\"b\"}\n", "record", "--home", home, "ticks", "-");
    assertEquals(0, c.code, c.err);
    assertEquals(2, c.out.lines().count());
    List<Envelope> queued = QueueContents.read(new Home(Path.of(home)));
    assertEquals(4, queued.size());
    assertEquals("hi", ((Message) queued.get(0).event()).body());
    assertEquals(a.out.trim(), queued.get(0).eventId());
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
    assertEquals("metadb record: --json: line 1, column 11: unexpected end of input (an object is not closed)\n", badJson.err);
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
    assertEquals(2, QueueContents.read(new Home(Path.of(home))).size());
  }

  @Test
  void spooledEventsExitZeroAndSaySoOnStderr() throws Exception {
    Path home = tmp.resolve("h");
    Files.createDirectories(home);
    Files.writeString(home.resolve("queue"), "in the way");
    Run r = run("record", "--home", home.toString(), "ticks", "--field", "source=x");
    assertEquals(0, r.code, r.err);
    assertTrue(r.err.contains("spooled for replay"), r.err);
    assertEquals(1, Files.readAllLines(new Home(home).spoolFileToday()).size());
  }

  @Test
  void neitherQueueNorSpoolExitsOne() throws Exception {
    Path home = tmp.resolve("h");
    Files.createDirectories(home);
    Files.writeString(home.resolve("queue"), "in the way");
    Files.writeString(home.resolve("logs"), "in the way too");
    Run r = run("record", "--home", home.toString(), "ticks", "--field", "source=x");
    assertEquals(1, r.code);
    assertTrue(r.err.contains("NOT recorded"), r.err);
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
