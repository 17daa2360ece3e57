package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.event.Envelope;
import dev.metadb.writer.Child;
import dev.metadb.writer.Home;
import dev.metadb.writer.InboxContents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JSON value followed by more content is refused, never cut short: at {@code record --json},
 * at {@code record -} (naming the line), and quarantined with the reason in replayed spool and
 * trail lines. Real processes for record (stdin), real files and SQLite for the rest.
 */
class TrailingContentTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DONE = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void recordRefusesTwoValuesOrJunkAfterOne() throws Exception {
    Home home = new Home(dir.resolve("home"));
    for (String json : List.of("{\"source\":\"a\"}{\"source\":\"b\"}", "{\"source\":\"a\"} junk", "{\"source\":\"a\"}}")) {
      CommandRun run = CommandRun.of("record", "--home", home.dir().toString(), "ticks", "--json", json);
      assertEquals(2, run.exit(), json + "\n" + run.err());
      assertTrue(run.err().contains("more text after the JSON value"), run.err());
    }
    assertEquals(0, InboxContents.read(home).size(), "nothing recorded from a refused --json");
  }

  @Test
  void recordFromStdinNamesTheLineAndKeepsTheOthers() throws Exception {
    Path home = dir.resolve("home");
    Path input = Files.writeString(dir.resolve("in.jsonl"), "{\"source\":\"one\"}\n{\"source\":\"x\"}{\"source\":\"y\"}\n{\"source\":\"three\"}\n");
    ProcessBuilder pb = dev.metadb.writer.ChildJvm.builder(Main.class, java.util.Map.of(), "record", "--home", home.toString(), "ticks", "-");
    pb.redirectInput(input.toFile());
    pb.redirectError(dir.resolve("err.txt").toFile());
    pb.redirectOutput(dir.resolve("out.txt").toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(DONE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
    String err = Files.readString(dir.resolve("err.txt"));
    assertEquals(2, p.exitValue(), err);
    assertTrue(err.contains("stdin line 2: ") && err.contains("more text after the JSON value"), err);
    List<Envelope> appended = InboxContents.read(new Home(home));
    assertEquals(List.of("one", "three"), appended.stream().map(e -> ((dev.metadb.event.Tick) e.event()).source()).toList());
  }

  @Test
  void replayQuarantinesSpoolAndTrailLinesWithMoreAfterTheValue() throws Exception {
    Home home = new Home(dir.resolve("home"));
    String a = "{\"table\":\"ticks\",\"ts_utc\":\"2026-11-24T00:00:00Z\",\"data\":{\"source\":\"a\"}}";
    String b = a.replace("\"a\"", "\"b\"").replace("00:00:00Z", "00:00:01Z");
    String c = a.replace("\"a\"", "\"c\"").replace("00:00:00Z", "00:00:02Z");
    Path spool = dir.resolve("spool").resolve(Home.SPOOL_PREFIX + "2026-11-24" + Home.SPOOL_SUFFIX);
    Files.createDirectories(spool.getParent());
    Files.writeString(spool, a + b + "\n" + c + "\n");
    try (Child replay = Child.start(Main.class, "replay", "--home", home.dir().toString(), "--spool", spool.toString(), "--json")) {
      assertEquals(1, replay.await(DONE), replay.err().toString());
      JsonNode summary = JSON.readTree(String.join("\n", replay.out()));
      assertEquals(1, summary.get("applied").intValue(), summary.toString());
      assertEquals(1, summary.get("quarantined").intValue(), summary.toString());
    }
    String rejects = Files.readString(home.quarantineDir().resolve(spool.getFileName() + ".rejects.jsonl"));
    assertTrue(rejects.contains("\"line\":1") && rejects.contains("more text after the JSON value"), rejects);
    assertEquals(List.of("c"), sources(home));

    String t = "{\"ts_utc\":\"2026-11-24T01:00:00Z\",\"source\":\"%s\"}";
    Path trail = Files.writeString(dir.resolve("trail.jsonl"),
        t.formatted("t1") + t.formatted("t2") + "\n" + t.formatted("t3") + " trailing\n" + t.formatted("t4") + "\n");
    CommandRun imported = CommandRun.of("replay", "--home", home.dir().toString(), "--trail", "ticks", trail.toString());
    assertEquals(1, imported.exit(), imported.out() + imported.err());
    assertTrue(imported.out().contains("1 lines applied") && imported.out().contains("2 quarantined"), imported.out());
    assertEquals(List.of("c", "t4"), sources(home));
  }

  private static List<String> sources(Home home) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.metaDb());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT source FROM ticks ORDER BY source")) {
      List<String> out = new java.util.ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString(1));
      }
      return out;
    }
  }
}
