package dev.metadb.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metadb.event.Column;
import dev.metadb.event.Table;
import dev.metadb.writer.Home;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every column of every table, with every kind of value the model allows (text with quotes,
 * commas, newlines and non-ASCII; JSON; the extreme integers; booleans; timestamps before 1970 and
 * at the ends of the range; NULL in every optional column), goes SQLite -> Arrow snapshot ->
 * DuckDB -> json, csv and arrow output and comes out as SQLite holds it.
 */
class RoundTripTest {
  /** How a column's value is expected to appear. */
  enum Expect { TEXT, INTEGER, BOOLEAN, TIMESTAMP }

  @TempDir static Path dir;
  static Home home;

  @BeforeAll
  static void fill() throws Exception {
    home = TestDb.create(dir.resolve("home"));
    Random random = new Random(7);
    try (Connection c = TestDb.open(home)) {
      for (Table table : Table.values()) {
        List<Map<String, Object>> rows = new ArrayList<>();
        Instant ts = Instant.parse("2026-11-25T00:00:00Z");
        for (int n = 0; n < 9; n++) {
          rows.add(TestDb.row(table, ts.plusSeconds(n), TestDb.Fill.VALUES, n, random));
        }
        rows.add(TestDb.row(table, ts.plusSeconds(100), TestDb.Fill.NULLS, 0, random));
        rows.add(TestDb.row(table, ts.plusSeconds(101), TestDb.Fill.NULLS, 1, random));
        TestDb.insert(c, table, rows);
      }
    }
  }

  static Map<String, Expect> expectations(Table table) {
    Map<String, Expect> out = new LinkedHashMap<>();
    out.put("id", Expect.INTEGER);
    out.put("event_id", Expect.TEXT);
    out.put("ts_utc", Expect.TIMESTAMP);
    out.put("host", Expect.TEXT);
    out.put("pid", Expect.INTEGER);
    out.put("ingested_at", Expect.TIMESTAMP);
    for (Column column : table.columns()) {
      out.put(column.name(), switch (column.type()) {
        case TEXT, JSON, ENUM -> Expect.TEXT;
        case INTEGER -> Expect.INTEGER;
        case BOOLEAN -> Expect.BOOLEAN;
        case TIMESTAMP -> Expect.TIMESTAMP;
      });
    }
    return out;
  }

  /** The table's rows as SQLite holds them, by id. */
  static List<Map<String, Object>> sqliteRows(Table table) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Connection c = TestDb.open(home); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM " + table.sqlName() + " ORDER BY id")) {
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  @Test
  void everyColumnOfEveryTableSurvivesJsonOutput() throws Exception {
    try (QueryEngine engine = TestDb.engine(home, new ArrayList<>())) {
      for (Table table : Table.values()) {
        Map<String, Expect> expect = expectations(table);
        JsonNode doc = TestDb.queryJson(engine, "SELECT * FROM " + table.sqlName() + " ORDER BY id");
        List<String> names = new ArrayList<>();
        doc.path("columns").forEach(c -> names.add(c.path("name").asText()));
        assertEquals(new ArrayList<>(expect.keySet()), names, table + " columns");
        List<Map<String, Object>> expected = sqliteRows(table);
        assertEquals(expected.size(), doc.path("row_count").asInt(), table + " rows");
        for (int r = 0; r < expected.size(); r++) {
          JsonNode row = doc.path("rows").get(r);
          for (Map.Entry<String, Expect> column : expect.entrySet()) {
            Object stored = expected.get(r).get(column.getKey());
            JsonNode value = row.path(column.getKey());
            String where = table.sqlName() + "." + column.getKey() + " row " + r;
            if (stored == null) {
              assertTrue(value.isNull(), where + " should be null, is " + value);
              continue;
            }
            switch (column.getValue()) {
              case TEXT, TIMESTAMP -> {
                assertTrue(value.isTextual(), where);
                assertEquals(stored, value.asText(), where);
              }
              case INTEGER -> {
                assertTrue(value.isIntegralNumber(), where);
                assertEquals(((Number) stored).longValue(), value.asLong(), where);
              }
              case BOOLEAN -> {
                assertTrue(value.isBoolean(), where);
                assertEquals(((Number) stored).intValue() == 1, value.asBoolean(), where);
              }
            }
          }
        }
      }
    }
  }

  @Test
  void everyColumnOfEveryTableSurvivesCsvOutput() throws Exception {
    try (QueryEngine engine = TestDb.engine(home, new ArrayList<>())) {
      for (Table table : Table.values()) {
        Map<String, Expect> expect = expectations(table);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.query("SELECT * FROM " + table.sqlName() + " ORDER BY id", TimeWindow.ALL, ResultFormat.CSV, out);
        List<List<String>> lines = Csv.parse(out.toString(StandardCharsets.UTF_8));
        assertEquals(new ArrayList<>(expect.keySet()), lines.get(0), table + " header");
        List<Map<String, Object>> expected = sqliteRows(table);
        assertEquals(expected.size() + 1, lines.size(), table + " lines");
        for (int r = 0; r < expected.size(); r++) {
          List<String> fields = lines.get(r + 1);
          int c = 0;
          for (Map.Entry<String, Expect> column : expect.entrySet()) {
            Object stored = expected.get(r).get(column.getKey());
            String field = fields.get(c++);
            String where = table.sqlName() + "." + column.getKey() + " row " + r;
            if (stored == null) {
              assertNull(field, where);
            } else if (column.getValue() == Expect.BOOLEAN) {
              assertEquals(((Number) stored).intValue() == 1 ? "true" : "false", field, where);
            } else {
              assertEquals(stored.toString(), field, where);
            }
          }
        }
      }
    }
  }

  @Test
  void everyColumnOfEveryTableSurvivesArrowOutputWithItsType() throws Exception {
    try (QueryEngine engine = TestDb.engine(home, new ArrayList<>()); RootAllocator allocator = new RootAllocator()) {
      for (Table table : Table.values()) {
        Map<String, Expect> expect = expectations(table);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        engine.query("SELECT * FROM " + table.sqlName() + " ORDER BY id", TimeWindow.ALL, ResultFormat.ARROW, out);
        List<Map<String, Object>> expected = sqliteRows(table);
        int r = 0;
        try (ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(out.toByteArray()), allocator)) {
          VectorSchemaRoot root = reader.getVectorSchemaRoot();
          while (reader.loadNextBatch()) {
            for (int i = 0; i < root.getRowCount(); i++, r++) {
              for (Map.Entry<String, Expect> column : expect.entrySet()) {
                FieldVector vector = root.getVector(column.getKey());
                Object stored = expected.get(r).get(column.getKey());
                String where = table.sqlName() + "." + column.getKey() + " row " + r;
                assertArrowType(column.getValue(), vector.getField().getType(), where);
                if (stored == null) {
                  assertTrue(vector.isNull(i), where);
                  continue;
                }
                switch (column.getValue()) {
                  case TEXT -> assertEquals(stored, ((VarCharVector) vector).getObject(i).toString(), where);
                  case INTEGER -> assertEquals(((Number) stored).longValue(), ((BigIntVector) vector).get(i), where);
                  case BOOLEAN -> assertEquals(((Number) stored).intValue(), ((BitVector) vector).get(i), where);
                  case TIMESTAMP -> assertEquals(
                      TimestampText.toMicros(Instant.parse((String) stored)), ((TimeStampMicroTZVector) vector).get(i), where);
                }
              }
            }
          }
        }
        assertEquals(expected.size(), r, table + " rows");
      }
    }
  }

  private static void assertArrowType(Expect expect, ArrowType type, String where) {
    switch (expect) {
      case TEXT -> assertEquals(ArrowType.Utf8.INSTANCE, type, where);
      case INTEGER -> assertEquals(new ArrowType.Int(64, true), type, where);
      case BOOLEAN -> assertEquals(ArrowType.Bool.INSTANCE, type, where);
      case TIMESTAMP -> {
        ArrowType.Timestamp ts = (ArrowType.Timestamp) type;
        assertEquals(TimeUnit.MICROSECOND, ts.getUnit(), where);
        assertTrue(ts.getTimezone() != null && ts.getTimezone().contains("UTC"), where + " tz " + ts.getTimezone());
      }
    }
  }

  @Test
  void tableFormatAlignsAndCountsRows() throws Exception {
    try (QueryEngine engine = TestDb.engine(home, new ArrayList<>())) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      long rows = engine.query(
          "SELECT source, direction, count(*) AS n FROM messages GROUP BY ALL ORDER BY ALL", TimeWindow.ALL, ResultFormat.TABLE, out);
      String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
      assertTrue(lines[0].startsWith("source"), lines[0]);
      assertTrue(lines[1].matches("-+-\\+-+-+-\\+-+"), lines[1]);
      assertEquals("(" + rows + " rows)", lines[lines.length - 1]);
      assertEquals(rows + 3, lines.length);
      for (int i = 2; i < lines.length - 1; i++) {
        assertEquals(lines[0].length(), lines[i].length(), "aligned: " + lines[i]);
      }
    }
  }
}
