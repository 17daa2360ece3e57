package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.writer.Home;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metadb replay} through the real command line: output, exit codes, and the spool path end to end. */
class ReplayCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  static Run metadb(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void eventsSpooledWhileTheInboxIsUnusableAreReplayedIntoMetaDb() throws Exception {
    Home home = new Home(dir.resolve("home"));
    Files.createDirectories(home.dir());
    Files.writeString(home.inboxDir(), "a regular file where the inbox directory belongs");

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Run record = metadb("record", "ticks", "--home", home.dir().toString(), "--field", "source=e2e-" + i);
      assertEquals(0, record.exit(), record.err());
      assertTrue(record.err().contains("spooled for replay"), record.err());
      ids.add(record.out().trim());
    }
    Run message = metadb("record", "messages", "--home", home.dir().toString(),
        "--json", "{\"source\":\"bus\",\"direction\":\"inbound\",\"body\":\"line one\\nline two\"}");
    assertEquals(0, message.exit(), message.err());
    ids.add(message.out().trim());
    assertEquals(4, Files.readAllLines(home.spoolFileToday()).size());

    Files.delete(home.inboxDir());
    Run replay = metadb("replay", "--home", home.dir().toString(), "--json");
    assertEquals(0, replay.exit(), replay.err());
    JsonNode summary = JSON.readTree(replay.out());
    assertEquals(4, summary.get("applied").intValue());
    assertEquals(0, summary.get("quarantined").intValue());
    assertTrue(summary.get("failure").isNull());

    for (int i = 0; i < 3; i++) {
      assertEquals("e2e-" + i, scalar(home.metaDb(), "SELECT source FROM ticks WHERE event_id = '" + ids.get(i) + "'"));
    }
    assertEquals("line one\nline two", scalar(home.metaDb(), "SELECT body FROM messages WHERE event_id = '" + ids.get(3) + "'"));
    // And the read side sees every one of them.
    Run query = metadb("query", "--home", home.dir().toString(), "--format", "json",
        "SELECT event_id FROM ticks UNION ALL SELECT event_id FROM messages ORDER BY event_id");
    assertEquals(0, query.exit(), query.err());
    JsonNode rows = JSON.readTree(query.out()).get("rows");
    List<String> seen = new ArrayList<>();
    rows.forEach(row -> seen.add(row.get("event_id").asText()));
    assertEquals(ids.stream().sorted().toList(), seen);

    Run again = metadb("replay", "--home", home.dir().toString());
    assertEquals(0, again.exit(), again.err());
    assertTrue(again.out().startsWith("1 file: 0 lines applied, 0 duplicates skipped, 0 quarantined, 0 left for later"), again.out());
    assertTrue(again.out().contains("4 lines replayed before"), again.out());
  }

  @Test
  void quarantinedLinesMakeExitOneAndAreNotRetried() throws Exception {
    Home home = new Home(dir.resolve("home"));
    Path spool = home.spoolFileToday();
    Files.createDirectories(spool.getParent());
    Files.writeString(spool, "{\"table\":\"ticks\",\"ts_utc\":\"2026-11-24T00:00:00Z\",\"data\":{\"source\":\"ok\"}}\nnot json at all\n");
    Run first = metadb("replay", "--home", home.dir().toString());
    assertEquals(1, first.exit());
    assertTrue(first.out().startsWith("1 file: 1 lines applied, 0 duplicates skipped, 1 quarantined"), first.out());
    assertTrue(first.out().contains("quarantined lines and their reasons: " + home.quarantineDir()), first.out());
    String rejects = Files.readString(home.quarantineDir().resolve(spool.getFileName() + ".rejects.jsonl"));
    assertTrue(rejects.contains("\"line\":2") && rejects.contains("not valid JSON"), rejects);

    Run second = metadb("replay", "--home", home.dir().toString());
    assertEquals(0, second.exit(), "quarantined lines are not retried: " + second.out());
  }

  @Test
  void aDryRunWritesNothing() throws Exception {
    Home home = new Home(dir.resolve("home"));
    Path spool = home.spoolFileToday();
    Files.createDirectories(spool.getParent());
    Files.writeString(spool, "{\"table\":\"ticks\",\"ts_utc\":\"2026-11-24T00:00:00Z\",\"data\":{\"source\":\"ok\"}}\n");
    Run dry = metadb("replay", "--home", home.dir().toString(), "--dry-run");
    assertEquals(0, dry.exit(), dry.err());
    assertTrue(dry.out().startsWith("dry run, nothing written: 1 file, 1 lines would be applied"), dry.out());
    assertFalse(Files.exists(home.metaDb()));
  }

  @Test
  void aTrailIsImported() throws Exception {
    Home home = new Home(dir.resolve("home"));
    Path trail = dir.resolve("watchdog-events-2026-11-24.jsonl");
    Files.writeString(trail, "{\"ts_utc\":\"2026-11-24T01:00:00Z\",\"event\":\"restart\",\"agent\":\"a\"}\n");
    Run run = metadb("replay", "--home", home.dir().toString(), "--trail", "watchdog_events", trail.toString(), "--json");
    assertEquals(0, run.exit(), run.err());
    assertEquals(1, JSON.readTree(run.out()).get("applied").intValue());
    assertEquals("restart", scalar(home.metaDb(), "SELECT event FROM watchdog_events"));
  }

  @Test
  void badUsageIsExitTwoWithTheProblemNamed() throws Exception {
    String h = dir.resolve("home").toString();
    Run missing = metadb("replay", "--home", h, "--spool", dir.resolve("nope.jsonl").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("nope.jsonl: no such spool file or directory"), missing.err());

    Path trail = dir.resolve("t.jsonl");
    Files.writeString(trail, "{}\n");
    Run table = metadb("replay", "--home", h, "--trail", "no_such_table", trail.toString());
    assertEquals(2, table.exit());
    assertTrue(table.err().contains("no_such_table: unknown table"), table.err());

    Run trailMissing = metadb("replay", "--home", h, "--trail", "ticks", dir.resolve("absent.jsonl").toString());
    assertEquals(2, trailMissing.exit());
    assertTrue(trailMissing.err().contains("no such trail file"), trailMissing.err());

    assertEquals(2, metadb("replay", "--home", h, "--bogus").exit());
  }

  @Test
  void aNewerSchemaIsExitThree() throws Exception {
    Home home = new Home(dir.resolve("home"));
    Files.createDirectories(home.dir());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.metaDb());
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 42");
    }
    Files.createDirectories(home.logsDir());
    Files.write(home.spoolFileToday(), "{}\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE);
    Run run = metadb("replay", "--home", home.dir().toString());
    assertEquals(3, run.exit());
    assertTrue(run.err().contains("schema v42 is newer"), run.err());
  }

  @Test
  void helpHasExamples() {
    Run help = metadb("replay", "--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("Examples:") && help.out().contains("metadb replay --dry-run"), help.out());
  }

  private static String scalar(Path db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
