package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Timestamps;
import dev.metadb.writer.Home;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timestamps outside 0001..9999 are refused at every edge with the field named, and rows already
 * in meta.db with such values (written by an older build or by hand) never make a query, an
 * export or a --since window fail, nor answer differently with and without a snapshot.
 */
class TimestampRangeTest {
  @TempDir Path dir;

  @Test
  void everyEdgeRefusesATimestampOutsideTheRangeNamingTheField() throws Exception {
    String home = dir.resolve("home").toString();
    for (String ts : List.of("+10000-01-01T00:00:00Z", "+300000-01-01T00:00:00Z", "0000-12-31T23:59:59Z")) {
      CommandRun field = CommandRun.of("record", "--home", home, "workspaces", "--field", "name=w", "--field", "ts_utc_created=" + ts);
      assertEquals(2, field.exit(), field.err());
      assertTrue(field.err().contains("workspaces.ts_utc_created") && field.err().contains(Timestamps.RANGE), field.err());
      CommandRun json = CommandRun.of("record", "--home", home, "mcp_tool_calls", "--json", "{\"tool\":\"t\",\"ts_utc_end\":\"" + ts + "\"}");
      assertEquals(2, json.exit(), json.err());
      assertTrue(json.err().contains("mcp_tool_calls.ts_utc_end") && json.err().contains(Timestamps.RANGE), json.err());
      CommandRun since = CommandRun.of("query", "--home", home, "--since", ts, "SELECT 1");
      assertEquals(2, since.exit(), since.err());
      assertTrue(since.err().contains("--since") && since.err().contains(Timestamps.RANGE), since.err());
    }
    // The envelope's own ts_utc, in a spool line: quarantined with the field named.
    Path spool = dir.resolve("s").resolve(Home.SPOOL_PREFIX + "2026-11-24" + Home.SPOOL_SUFFIX);
    Files.createDirectories(spool.getParent());
    Files.writeString(spool, "{\"table\":\"ticks\",\"ts_utc\":\"+10000-01-01T00:00:00Z\",\"data\":{\"source\":\"far\"}}\n"
        + "{\"table\":\"ticks\",\"ts_utc\":\"9999-12-31T23:59:59.999999Z\",\"data\":{\"source\":\"last\"}}\n");
    CommandRun replay = CommandRun.of("replay", "--home", home, "--spool", spool.toString());
    assertEquals(1, replay.exit(), replay.out() + replay.err());
    assertTrue(replay.out().contains("1 lines applied") && replay.out().contains("1 quarantined"), replay.out());
    String rejects = Files.readString(new Home(Path.of(home)).quarantineDir().resolve(spool.getFileName() + ".rejects.jsonl"));
    assertTrue(rejects.contains("ticks.ts_utc") && rejects.contains("outside the accepted range"), rejects);
  }

  @Test
  void rowsAnOlderBuildWroteNeverBreakAQueryAndWindowsAgreeWithAndWithoutASnapshot() throws Exception {
    Home home = new Home(dir.resolve("home"));
    String h = home.dir().toString();
    assertEquals(0, CommandRun.of("record", "--home", h, "ticks", "--field", "source=sane").exit());
    assertEquals(0, CommandRun.of("ingest", "--once", "--home", h).exit());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.metaDb());
        PreparedStatement tick = c.prepareStatement(
            "INSERT INTO ticks (event_id, ts_utc, ingested_at, source) VALUES (?, ?, '2026-01-01T00:00:00.000000Z', ?)");
        PreparedStatement ws = c.prepareStatement(
            "INSERT INTO workspaces (event_id, ts_utc, ingested_at, name, ts_utc_created) VALUES (?, '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z', ?, ?)")) {
      String[] poison = {"+10000-01-01T00:00:00.000000Z", "+300000-06-01T00:00:00.000000Z", "-0001-01-01T00:00:00.000000Z",
          "yesterday", "2026-02-30T00:00:00.000000Z", "2027-01-01T00:00:00Z"};
      for (int i = 0; i < poison.length; i++) {
        tick.setString(1, "poison-" + i);
        tick.setString(2, poison[i]);
        tick.setString(3, "p" + i);
        tick.executeUpdate();
        ws.setString(1, "ws-" + i);
        ws.setString(2, "w" + i);
        ws.setString(3, poison[i]);
        ws.executeUpdate();
      }
    }
    List<String> windows = List.of("2026-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "2027-01-01T00:00:00Z");
    String count = "SELECT count(*) AS n, count(DISTINCT source) AS s FROM ticks";
    // Before any snapshot exists, a window reads meta.db directly.
    List<String> direct = windows.stream().map(w -> query("--since", w, count)).toList();
    // Unwindowed queries build the snapshots.
    assertTrue(query(count).contains("7"), query(count));
    String all = query("--format", "csv", "SELECT source, ts_utc FROM ticks ORDER BY source");
    assertTrue(all.contains("p0,0000-12-31T23:59:59.999999Z") && all.contains("p1,0000-12-31T23:59:59.999999Z")
        && all.contains("p3,9999-12-31T23:59:59.999999Z"), all);
    String workspaces = query("--format", "csv", "SELECT name, ts_utc_created FROM workspaces ORDER BY name");
    assertTrue(workspaces.contains("w0,\n") && workspaces.contains("w5,2027-01-01T00:00:00"), workspaces);
    List<String> snapshot = windows.stream().map(w -> query("--since", w, count)).toList();
    assertEquals(direct, snapshot);
    CommandRun export = CommandRun.of("export", "--home", h, dir.resolve("out").toString(), "--since", "2026-01-01T00:00:00Z");
    assertEquals(0, export.exit(), export.err());
  }

  private String query(String... args) {
    String[] full = new String[args.length + 3];
    full[0] = "query";
    full[1] = "--home";
    full[2] = dir.resolve("home").toString();
    System.arraycopy(args, 0, full, 3, args.length);
    CommandRun run = CommandRun.of(full);
    assertEquals(0, run.exit(), String.join(" ", full) + "\n" + run.err());
    return run.out();
  }
}
