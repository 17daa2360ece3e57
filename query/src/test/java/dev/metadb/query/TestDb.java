package dev.metadb.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.event.Column;
import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import dev.metadb.store.Schema;
import dev.metadb.writer.Home;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * A meta.db for tests, made the way the ingester makes one (the current DDL, WAL, user_version),
 * with rows inserted by plain JDBC.
 */
final class TestDb {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong EVENT_IDS = new AtomicLong();

  static final List<String> TEXTS = List.of(
      "plain", "", " leading and trailing ", "comma, \"quote\" and 'apostrophe'", "line\nbreak\r\nand\ttab",
      "ünïcödé 中文 🚀", "back\\slash", "NULL", "a".repeat(300));
  static final List<String> JSONS = List.of(
      "{\"a\":[1,2,{\"b\":\"c\\\"d\"}],\"e\":null}", "[]", "\"just a string\"", "{\"emoji\":\"🚀\",\"n\":-1.5e10}");
  static final List<Long> INTEGERS = List.of(0L, -1L, 42L, Long.MAX_VALUE, Long.MIN_VALUE, 1_700_000_000_000L);
  static final List<String> TIMESTAMPS = List.of(
      "2026-11-25T02:44:00.123456Z", "1969-12-31T23:59:59.999999Z", "1970-01-01T00:00:00.000000Z",
      "2000-02-29T12:00:00.000001Z", "9999-12-31T23:59:59.999999Z", "0001-01-01T00:00:00.000000Z");

  private TestDb() {}

  /** A fresh home with an empty current-version meta.db. */
  static Home create(Path dir) throws IOException, SQLException {
    Home home = new Home(dir);
    Home.createPrivateDirectories(home.dir());
    try (Connection c = open(home); Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      for (String ddl : Schema.createAll()) {
        st.execute(ddl);
      }
      st.execute("PRAGMA user_version=" + Schema.VERSION);
    }
    return home;
  }

  /** A writing connection, as the ingester would hold. */
  static Connection open(Home home) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.metaDb());
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout=10000");
    }
    return c;
  }

  static void insert(Connection c, Table table, List<Map<String, Object>> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    List<String> names = Schema.columnNames(table);
    String sql = "INSERT INTO " + table.sqlName() + " (" + String.join(", ", names) + ") VALUES ("
        + names.stream().map(n -> "?").collect(Collectors.joining(", ")) + ")";
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (PreparedStatement st = c.prepareStatement(sql)) {
      for (Map<String, Object> row : rows) {
        for (int i = 0; i < names.size(); i++) {
          st.setObject(i + 1, row.get(names.get(i)));
        }
        st.addBatch();
      }
      st.executeBatch();
      c.commit();
    } finally {
      c.setAutoCommit(auto);
    }
  }

  /** Inserts into the caller's open transaction (which it commits or rolls back itself). */
  static void insertInOpenTransaction(Connection c, Table table, List<Map<String, Object>> rows) throws SQLException {
    List<String> names = Schema.columnNames(table);
    String sql = "INSERT INTO " + table.sqlName() + " (" + String.join(", ", names) + ") VALUES ("
        + names.stream().map(n -> "?").collect(Collectors.joining(", ")) + ")";
    try (PreparedStatement st = c.prepareStatement(sql)) {
      for (Map<String, Object> row : rows) {
        for (int i = 0; i < names.size(); i++) {
          st.setObject(i + 1, row.get(names.get(i)));
        }
        st.executeUpdate();
      }
    }
  }

  /** How a generated row fills its columns. */
  enum Fill { VALUES, NULLS, RANDOM }

  /**
   * A row of {@code table} at {@code ts}: VALUES takes the {@code n}th tricky value of each type,
   * NULLS leaves every optional column null, RANDOM draws from {@code random}.
   */
  static Map<String, Object> row(Table table, Instant ts, Fill fill, int n, Random random) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("event_id", "evt-" + EVENT_IDS.incrementAndGet() + "-" + random.nextInt(1_000_000));
    row.put("ts_utc", Timestamps.format(ts));
    row.put("host", fill == Fill.NULLS ? null : "host-" + (n % 3));
    row.put("pid", fill == Fill.NULLS ? null : (Object) (long) (1000 + n));
    row.put("ingested_at", Timestamps.format(Timestamps.now()));
    for (Column column : table.columns()) {
      if (fill == Fill.NULLS && !column.required()) {
        row.put(column.name(), null);
        continue;
      }
      int pick = fill == Fill.RANDOM ? random.nextInt(1000) : n;
      row.put(column.name(), switch (column.type()) {
        case ENUM -> column.allowed().get(pick % column.allowed().size());
        case TEXT -> fill == Fill.RANDOM ? "v" + random.nextInt(20) : TEXTS.get(pick % TEXTS.size());
        case JSON -> JSONS.get(pick % JSONS.size());
        case INTEGER -> fill == Fill.RANDOM ? (long) random.nextInt(100_000) : INTEGERS.get(pick % INTEGERS.size());
        case BOOLEAN -> (pick % 2 == 0) ? 1 : 0;
        case TIMESTAMP -> TIMESTAMPS.get(pick % TIMESTAMPS.size());
      });
    }
    return row;
  }

  /** {@code count} RANDOM rows with ts_utc one millisecond apart from {@code start}. */
  static List<Map<String, Object>> rows(Table table, Instant start, int count, Random random) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(row(table, start.plusMillis(i), Fill.RANDOM, i, random));
    }
    return rows;
  }

  /** Runs {@code sql} through {@code engine} as JSON and parses the document. */
  static JsonNode queryJson(QueryEngine engine, String sql, TimeWindow window) throws QueryException, IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    engine.query(sql, window, ResultFormat.JSON, out);
    return JSON.readTree(out.toString(StandardCharsets.UTF_8));
  }

  static JsonNode queryJson(QueryEngine engine, String sql) throws QueryException, IOException {
    return queryJson(engine, sql, TimeWindow.ALL);
  }

  /** An engine whose log lines are collected into {@code log}. */
  static QueryEngine engine(Home home, List<String> log) throws QueryException {
    return QueryEngine.open(home, QueryEngine.SnapshotMode.INCREMENTAL, line -> {
      synchronized (log) {
        log.add(line);
      }
    });
  }
}
