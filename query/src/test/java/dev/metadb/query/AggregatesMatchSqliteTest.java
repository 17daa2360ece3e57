package dev.metadb.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metadb.event.Table;
import dev.metadb.writer.Home;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same aggregate SQL run through metadb query (Arrow snapshot + DuckDB) and straight on
 * SQLite gives the same rows. The statements are written in the SQL both dialects share.
 */
class AggregatesMatchSqliteTest {
  @TempDir static Path dir;
  static Home home;

  @BeforeAll
  static void fill() throws Exception {
    home = TestDb.create(dir.resolve("home"));
    Random random = new Random(11);
    Instant start = Instant.parse("2026-11-20T00:00:00Z");
    try (Connection c = TestDb.open(home)) {
      for (Table table : List.of(Table.MESSAGES, Table.CLONE_DISPATCHES, Table.TOKEN_USAGE, Table.MCP_TOOL_CALLS)) {
        List<java.util.Map<String, Object>> rows = TestDb.rows(table, start, 3000, random);
        // Some NULL groups, and a few rows replayed late: old ts_utc, new id.
        for (int i = 0; i < 50; i++) {
          rows.add(TestDb.row(table, start.plusMillis(random.nextInt(3000)), TestDb.Fill.NULLS, i, random));
        }
        TestDb.insert(c, table, rows);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT source, count(*) AS n FROM messages GROUP BY source ORDER BY source NULLS FIRST",
      "SELECT direction, count(*) AS n, count(body) AS with_body FROM messages GROUP BY direction ORDER BY direction",
      "SELECT count(*) AS n, count(DISTINCT chat_id) AS chats, min(ts_utc) AS first, max(ts_utc) AS last FROM messages",
      "SELECT agent, avg(duration_ms) AS avg_ms, min(duration_ms) AS lo, max(duration_ms) AS hi, count(*) AS n"
          + " FROM mcp_tool_calls GROUP BY agent ORDER BY agent NULLS FIRST",
      "SELECT sum(CASE WHEN success THEN 1 ELSE 0 END) AS ok, sum(CASE WHEN timeout_race THEN 1 ELSE 0 END) AS raced,"
          + " count(*) AS total FROM mcp_tool_calls",
      "SELECT status, count(*) AS n, sum(exit_code) AS exit_sum, avg(exit_code) AS exit_avg FROM clone_dispatches"
          + " GROUP BY status ORDER BY status NULLS FIRST",
      "SELECT agent, sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cost_usd_micros) AS cost"
          + " FROM token_usage GROUP BY agent HAVING count(*) > 10 ORDER BY agent NULLS FIRST",
      "SELECT m.from_agent, count(*) AS n FROM messages m JOIN clone_dispatches c ON m.from_agent = c.agent"
          + " GROUP BY m.from_agent ORDER BY m.from_agent",
      "SELECT count(*) AS n FROM messages WHERE ts_utc >= (SELECT max(ts_utc) FROM messages WHERE source = 'v3')",
      "SELECT source, max(length(body)) AS longest FROM messages WHERE body IS NOT NULL GROUP BY source ORDER BY source",
      "SELECT host, pid, count(*) AS n FROM token_usage GROUP BY host, pid ORDER BY host NULLS FIRST, pid NULLS FIRST",
      // Joins of every kind: column pruning must not change which columns a join matches on.
      "SELECT count(*) AS n FROM messages NATURAL JOIN clone_dispatches",
      "SELECT count(*) AS n FROM messages a NATURAL JOIN messages b",
      "SELECT count(*) AS n FROM messages NATURAL LEFT JOIN token_usage",
      "SELECT count(*) AS n FROM messages JOIN token_usage USING (host, pid)",
      "SELECT count(*) AS n, count(t.agent) AS matched FROM messages m LEFT JOIN token_usage t USING (host)",
      "SELECT count(*) AS n, count(c.agent) AS matched FROM messages m LEFT JOIN clone_dispatches c ON m.from_agent = c.agent",
      "SELECT count(*) AS n, count(m.id) AS matched FROM messages m RIGHT JOIN clone_dispatches c ON m.from_agent = c.agent",
      "SELECT count(*) AS n, count(m.id) AS l, count(c.id) AS r FROM messages m FULL JOIN clone_dispatches c ON m.from_agent = c.agent",
      "SELECT count(*) AS n FROM messages m CROSS JOIN clone_dispatches c WHERE m.source = 'v3' AND c.status = 'ok'",
      "SELECT count(*) AS n FROM messages m WHERE EXISTS (SELECT 1 FROM clone_dispatches c WHERE c.agent = m.from_agent)",
      "SELECT count(*) AS n FROM messages m WHERE NOT EXISTS (SELECT 1 FROM clone_dispatches c WHERE c.agent = m.from_agent)",
      "SELECT count(*) AS n FROM messages a JOIN messages b ON a.chat_id = b.chat_id AND a.id < b.id"
  })
  void aggregateEqualsSqlite(String sql) throws Exception {
    List<List<Object>> expected = new ArrayList<>();
    try (Connection c = TestDb.open(home); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          Object value = rs.getObject(i);
          row.add(value instanceof Number ? new BigDecimal(value.toString()) : value);
        }
        expected.add(row);
      }
    }
    assertTrue(!expected.isEmpty(), "the statement must return rows to compare: " + sql);
    JsonNode doc;
    try (QueryEngine engine = TestDb.engine(home, new ArrayList<>())) {
      doc = TestDb.queryJson(engine, sql);
    }
    List<List<Object>> actual = new ArrayList<>();
    for (JsonNode row : doc.path("rows")) {
      List<Object> values = new ArrayList<>();
      row.forEach(v -> values.add(v.isNull() ? null : v.isNumber() ? v.decimalValue() : v.asText()));
      actual.add(values);
    }
    assertEquals(expected.size(), actual.size(), sql);
    for (int r = 0; r < expected.size(); r++) {
      for (int c = 0; c < expected.get(r).size(); c++) {
        Object want = expected.get(r).get(c);
        Object got = actual.get(r).get(c);
        String where = sql + " row " + r + " column " + c;
        if (want instanceof BigDecimal w && got instanceof BigDecimal g) {
          // avg() is floating point on both sides; everything else is exact.
          assertTrue(w.subtract(g).abs().compareTo(w.abs().max(BigDecimal.ONE).scaleByPowerOfTen(-12)) <= 0,
              where + ": sqlite " + w + " vs " + g);
        } else {
          assertEquals(want, got, where);
        }
      }
    }
  }
}
