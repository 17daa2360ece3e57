package dev.metadb.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metadb.event.Table;
import dev.metadb.writer.Home;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metadb export --format parquet} and {@code metadb query --lake} in one JVM: the layout,
 * the types, exactly once across chunks, dates and an interrupted export's leftovers, and the
 * lake query's wall and partition pruning. The multi-process fleet with kill -9 is
 * {@code FleetLakeTest} in the command module.
 */
class LakeExportTest {
  private static final Instant DAY1 = Instant.parse("2026-11-29T23:59:59Z");
  private static final Instant DAY2 = Instant.parse("2026-11-30T12:00:00Z");
  private static final Instant DAY3 = Instant.parse("2026-12-01T00:00:00Z");

  @TempDir Path dir;

  /** {@code count} messages whose ts_utc cycles through three UTC dates as the id grows. */
  private static void insertMessages(Home home, int count, Random random) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    Instant[] days = {DAY1, DAY2, DAY3};
    for (int i = 0; i < count; i++) {
      rows.add(TestDb.row(Table.MESSAGES, days[i % 3].plusMillis(i), TestDb.Fill.RANDOM, i, random));
    }
    try (Connection c = TestDb.open(home)) {
      TestDb.insert(c, Table.MESSAGES, rows);
    }
  }

  private static List<LakeExporter.TableExport> export(Home home, Path lake, int chunkRows, List<String> log) throws Exception {
    try (LakeExporter exporter = LakeExporter.open(home, lake, "Host A.example", chunkRows, log::add)) {
      assertEquals("host-a.example", exporter.host());
      return exporter.export(List.of(Table.values()), () -> false);
    }
  }

  private static JsonNode lakeJson(Path lake, String sql) throws Exception {
    return lakeJson(lake, TimeWindow.ALL, sql);
  }

  private static JsonNode lakeJson(Path lake, TimeWindow window, String sql) throws Exception {
    try (LakeQuery query = LakeQuery.open(lake, window)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      query.query(sql, ResultFormat.JSON, out);
      return TestDb.JSON.readTree(out.toString(StandardCharsets.UTF_8));
    }
  }

  private static long sqliteLong(Home home, String sql) throws Exception {
    try (Connection c = TestDb.open(home); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static TreeSet<String> parquetFiles(Path lake) throws Exception {
    try (Stream<Path> files = Files.walk(lake)) {
      TreeSet<String> names = new TreeSet<>();
      files.filter(Files::isRegularFile).forEach(f -> names.add(lake.relativize(f).toString()));
      return names;
    }
  }

  @Test
  void everyRowLandsOnceInAFilePerChunkAndDateWithTypedColumns() throws Exception {
    Home home = TestDb.create(dir.resolve("home"));
    insertMessages(home, 12, new Random(1));
    try (Connection c = TestDb.open(home)) {
      TestDb.insert(c, Table.MCP_TOOL_CALLS, TestDb.rows(Table.MCP_TOOL_CALLS, DAY2, 3, new Random(2)));
    }
    Path lake = dir.resolve("lake");
    List<String> log = new ArrayList<>();

    List<LakeExporter.TableExport> first = export(home, lake, 5, log);
    LakeExporter.TableExport messages = first.stream().filter(t -> t.table().equals("messages")).findFirst().orElseThrow();
    assertEquals(new LakeExporter.TableExport("messages", 12, 8, 12), messages);
    TreeSet<String> files = parquetFiles(lake);
    // Chunks 1-5, 6-10, 11-12; each cut by date. Chunk 11-12 has rows on days 2 and 3 only.
    assertTrue(files.contains("table=messages/date=2026-11-29/host=host-a.example/host-a.example-1-5.parquet"), files.toString());
    assertTrue(files.contains("table=messages/date=2026-12-01/host=host-a.example/host-a.example-6-10.parquet"), files.toString());
    assertTrue(files.contains("table=messages/date=2026-11-30/host=host-a.example/host-a.example-11-12.parquet"), files.toString());
    assertFalse(files.contains("table=messages/date=2026-11-29/host=host-a.example/host-a.example-11-12.parquet"), files.toString());
    assertTrue(files.contains("table=mcp_tool_calls/date=2026-11-30/host=host-a.example/host-a.example-1-3.parquet"), files.toString());
    assertEquals(8 + 1, files.size(), files.toString());

    JsonNode perDate = lakeJson(lake, "SELECT date, host, count(*) AS n, count(DISTINCT event_id) AS ids FROM messages GROUP BY ALL ORDER BY date");
    assertEquals("[{\"date\":\"2026-11-29\",\"host\":\"host-a.example\",\"n\":4,\"ids\":4},"
        + "{\"date\":\"2026-11-30\",\"host\":\"host-a.example\",\"n\":4,\"ids\":4},"
        + "{\"date\":\"2026-12-01\",\"host\":\"host-a.example\",\"n\":4,\"ids\":4}]", perDate.get("rows").toString());
    // Every value as meta.db holds it: the lake's rows, as text, in id order, against SQLite's.
    JsonNode lakeRows = lakeJson(lake, "SELECT id, event_id, ts_utc, pid, source, body, raw_json FROM messages ORDER BY id");
    try (Connection c = TestDb.open(home); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, event_id, ts_utc, pid, source, body, raw_json FROM messages ORDER BY id")) {
      for (JsonNode row : lakeRows.get("rows")) {
        assertTrue(rs.next());
        assertEquals(rs.getLong(1), row.get("id").asLong());
        assertEquals(rs.getString(2), row.get("event_id").asText());
        assertEquals(rs.getString(3), row.get("ts_utc").asText());
        assertEquals(rs.getLong(4), row.get("pid").asLong());
        assertEquals(rs.getString(5), row.get("source").asText());
        assertEquals(rs.getString(6), row.get("body").asText());
        assertEquals(rs.getString(7), row.get("raw_json").isNull() ? null : row.get("raw_json").asText());
      }
      assertFalse(rs.next());
    }
    JsonNode types = lakeJson(lake, "SELECT typeof(ts_utc) t, typeof(ingested_at) i, typeof(duration_ms) d, typeof(success) s,"
        + " typeof(ts_utc_start) st FROM mcp_tool_calls LIMIT 1");
    assertEquals("{\"t\":\"TIMESTAMP WITH TIME ZONE\",\"i\":\"TIMESTAMP WITH TIME ZONE\",\"d\":\"BIGINT\",\"s\":\"BOOLEAN\","
        + "\"st\":\"TIMESTAMP WITH TIME ZONE\"}", types.get("rows").get(0).toString());
    assertEquals(0, lakeJson(lake, "SELECT count(*) AS n FROM crashes").get("rows").get(0).get("n").asLong(),
        "a table with no files is an empty view");

    // Nothing new: nothing written. New rows: only they.
    assertEquals(0, export(home, lake, 5, log).stream().mapToLong(LakeExporter.TableExport::rows).sum());
    assertEquals(files, parquetFiles(lake));
    insertMessages(home, 4, new Random(3));
    assertEquals(4, export(home, lake, 5, log).stream().mapToLong(LakeExporter.TableExport::rows).sum());
    assertEquals(16, lakeJson(lake, "SELECT count(DISTINCT event_id) AS n FROM messages").get("rows").get(0).get("n").asLong());
    assertEquals(16, sqliteLong(home, "SELECT last_id FROM export_watermark WHERE table_name = 'messages'"));
    assertEquals(16, sqliteLong(home, "SELECT rows_exported FROM export_watermark WHERE table_name = 'messages'"));
    assertEquals(Table.values().length, sqliteLong(home, "SELECT count(*) FROM export_watermark"),
        "every table has a watermark row from the first export on");
  }

  @Test
  void aRerunCompletesTheChunkAKilledExportRenamedButDidNotCommit() throws Exception {
    Home home = TestDb.create(dir.resolve("home"));
    insertMessages(home, 12, new Random(4));
    Path lake = dir.resolve("lake");
    List<String> log = new ArrayList<>();
    export(home, lake, 5, log);
    TreeSet<String> complete = parquetFiles(lake);
    // The state a kill -9 leaves between a rename and its watermark commit: chunk 6-10 has its
    // day-1 and day-3 files but not day 2's (a temporary one instead), and the watermark still
    // says 5. Chunk 11-12 renamed too, as if a second uncommitted chunk were there.
    Path hostDir = lake.resolve("table=messages/date=2026-11-30/host=host-a.example");
    Path missing = hostDir.resolve("host-a.example-6-10.parquet");
    Files.move(missing, hostDir.resolve(".host-a.example-6-10.parquet.99999.tmp"));
    try (Connection c = TestDb.open(home);
        PreparedStatement st = c.prepareStatement("UPDATE export_watermark SET last_id = 5 WHERE table_name = 'messages'")) {
      st.executeUpdate();
    }
    // New rows since: a fresh cut from id 6 with 5 rows would still be 6-10, but with 50 it
    // would be 6-62 and duplicate the renamed files' rows. The rerun must use the files' ranges.
    insertMessages(home, 50, new Random(5));

    log.clear();
    List<LakeExporter.TableExport> rerun = export(home, lake, 50, log);
    assertTrue(log.stream().anyMatch(l -> l.contains("completing chunk 6..10")), log.toString());
    TreeSet<String> now = parquetFiles(lake);
    assertTrue(now.containsAll(complete), now.toString());
    assertTrue(now.stream().noneMatch(n -> n.endsWith(".tmp")), "the temporary file is gone: " + now);
    assertEquals(62, lakeJson(lake, "SELECT count(*) AS n FROM messages").get("rows").get(0).get("n").asLong());
    assertEquals(62, lakeJson(lake, "SELECT count(DISTINCT event_id) AS n FROM messages").get("rows").get(0).get("n").asLong());
    assertEquals(62, sqliteLong(home, "SELECT last_id FROM export_watermark WHERE table_name = 'messages'"));
    LakeExporter.TableExport messages = rerun.stream().filter(t -> t.table().equals("messages")).findFirst().orElseThrow();
    assertEquals(5 + 2 + 50, messages.rows(), "chunks 6-10 and 11-12 counted again, then the 50 new rows");
  }

  @Test
  void theLakeQueryReadsOnlyItsViewsAndPrunesTableDateAndHostDirectories() throws Exception {
    Home home = TestDb.create(dir.resolve("home"));
    insertMessages(home, 9, new Random(6));
    Path lake = dir.resolve("lake");
    export(home, lake, 100, new ArrayList<>());
    // Damaged files of another host, on a date with rows and on a later one, and one in another
    // table: a query that opened one would fail, so a query that succeeds did not open them.
    // (DuckDB takes the columns from the first file in name order: a good one here.)
    for (String damaged : List.of("table=messages/date=2026-11-30/host=zz/zz-1-1.parquet",
        "table=messages/date=2026-12-31/host=zz/zz-2-2.parquet", "table=crashes/date=2026-11-30/host=zz/zz-1-1.parquet")) {
      Files.createDirectories(lake.resolve(damaged).getParent());
      Files.writeString(lake.resolve(damaged), "not parquet");
    }

    QueryException broken = assertThrows(QueryException.class, () -> lakeJson(lake, "SELECT count(*) FROM messages"));
    assertTrue(broken.getMessage().contains("host=zz/zz-"), broken.getMessage());
    assertEquals(9, lakeJson(lake, "SELECT count(*) AS n FROM messages WHERE host = 'host-a.example'").get("rows").get(0).get("n").asLong());
    assertEquals(3, lakeJson(lake, "SELECT count(*) AS n FROM messages WHERE date = DATE '2026-12-01'").get("rows").get(0).get("n").asLong());
    TimeWindow window = new TimeWindow(Instant.parse("2026-11-29T00:00:00Z"), Instant.parse("2026-11-30T00:00:00Z"));
    assertEquals(3, lakeJson(lake, window, "SELECT count(*) AS n FROM messages").get("rows").get(0).get("n").asLong(),
        "--since/--until prune the date directories outside the window");
    QueryException crashes = assertThrows(QueryException.class, () -> lakeJson(lake, "SELECT count(*) FROM crashes"));
    assertTrue(crashes.getMessage().startsWith("Invalid Input Error: table crashes cannot be read from the lake: "), crashes.getMessage());
    Path damaged = lake.resolve("table=messages/date=2026-12-31/host=zz/zz-2-2.parquet");

    for (String sql : List.of(
        "SELECT * FROM read_parquet('" + damaged + "')",
        "SELECT * FROM '" + lake + "/table=messages/*/*/*.parquet'",
        "SELECT * FROM glob('/etc/*')",
        "COPY messages TO '/tmp/x.parquet'",
        "SET enable_external_access = true")) {
      QueryException refused = assertThrows(QueryException.class, () -> lakeJson(lake, sql), sql);
      assertEquals(QueryException.Kind.BAD_INPUT, refused.kind(), sql);
      assertTrue(refused.getMessage().startsWith("refused"), refused.getMessage());
    }
    QueryException missing = assertThrows(QueryException.class, () -> LakeQuery.open(dir.resolve("nowhere"), TimeWindow.ALL));
    assertEquals(QueryException.Kind.BAD_INPUT, missing.kind());
    assertTrue(missing.getMessage().startsWith("no lake at "), missing.getMessage());
  }

  @Test
  void oneExporterPerHomeAtATime() throws Exception {
    Home home = TestDb.create(dir.resolve("home"));
    Path lake = dir.resolve("lake");
    try (LakeExporter first = LakeExporter.open(home, lake, "a", 10, line -> {})) {
      QueryException second = assertThrows(QueryException.class, () -> LakeExporter.open(home, lake, "a", 10, line -> {}));
      assertEquals("another export (pid " + ProcessHandle.current().pid() + ") is running in " + home.dir(), second.getMessage());
    }
    try (LakeExporter again = LakeExporter.open(home, lake, "a", 10, line -> {})) {
      assertEquals("a", again.host());
    }
    QueryException badHost = assertThrows(QueryException.class, () -> LakeExporter.open(home, lake, "..", 10, line -> {}));
    assertEquals(QueryException.Kind.BAD_INPUT, badHost.kind());
    Files.writeString(dir.resolve("file"), "x");
    QueryException notDir = assertThrows(QueryException.class, () -> LakeExporter.open(home, dir.resolve("file"), "a", 10, line -> {}));
    assertEquals(QueryException.Kind.BAD_INPUT, notDir.kind());
  }
}
