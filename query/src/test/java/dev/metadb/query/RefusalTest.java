package dev.metadb.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Table;
import dev.metadb.writer.Home;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Random;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Statements that would write, attach, copy, install or load, or read files, are refused before
 * they run, each with a message that says what was refused; bad SQL gets DuckDB's own message;
 * an unknown table gets the list of tables. All of them are BAD_INPUT (exit 2).
 */
class RefusalTest {
  @TempDir static Path dir;
  static Home home;
  static QueryEngine engine;
  static Path outside;

  @BeforeAll
  static void start() throws Exception {
    home = TestDb.create(dir.resolve("home"));
    try (Connection c = TestDb.open(home)) {
      TestDb.insert(c, Table.MESSAGES, TestDb.rows(Table.MESSAGES, Instant.parse("2026-11-25T00:00:00Z"), 10, new Random(1)));
    }
    outside = dir.resolve("outside");
    Files.createDirectories(outside);
    Files.writeString(outside.resolve("secret.csv"), "a,b\n1,2\n");
    engine = TestDb.engine(home, new ArrayList<>());
  }

  @AfterAll
  static void stop() throws Exception {
    engine.close();
  }

  private static QueryException refused(String sql) {
    QueryException e = assertThrows(QueryException.class,
        () -> engine.query(sql, TimeWindow.ALL, ResultFormat.CSV, new ByteArrayOutputStream()), sql);
    assertEquals(QueryException.Kind.BAD_INPUT, e.kind(), sql + ": " + e.getMessage());
    return e;
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "COPY messages TO '%s/copy.csv'                          | refused: COPY statements",
      "COPY (SELECT 1) TO '%s/copy2.csv' (FORMAT csv)          | refused: COPY statements",
      "EXPORT DATABASE '%s/export'                             | refused: EXPORT statements",
      "ATTACH '%s/other.duckdb' AS other                       | refused: ATTACH statements",
      "ATTACH '%s/../home/meta.db' AS meta (TYPE sqlite)       | refused: ATTACH statements",
      "INSTALL httpfs                                          | refused: INSTALL statements",
      "LOAD httpfs                                             | refused: LOAD statements",
      "INSERT INTO messages (id) VALUES (1)                    | refused: INSERT statements",
      "UPDATE messages SET body = 'x'                          | refused: UPDATE statements",
      "DELETE FROM messages                                    | refused: DELETE statements",
      "CREATE TABLE t AS SELECT 1                              | refused: CREATE statements",
      "DROP VIEW messages                                      | refused: DROP statements",
      "SET enable_external_access = true                       | refused: SET statements",
      "PRAGMA version                                          | refused: PRAGMA statements",
      "CALL duckdb_settings()                                  | refused: CALL statements",
      "/* sneaky */ COPY messages TO '%s/c.csv'                | refused: COPY statements",
      "SELECT * FROM read_csv('%s/secret.csv')                 | refused: the table function read_csv()",
      "SELECT * FROM read_text('%s/secret.csv')                | refused: the table function read_text()",
      "SELECT * FROM glob('%s/*')                              | refused: the table function glob()",
      "SELECT * FROM read_parquet('%s/x.parquet')              | refused: the table function read_parquet()",
      "SELECT * FROM query('SELECT 1')                         | refused: the table function query()",
      "SELECT * FROM duckdb_settings()                         | refused: the table function duckdb_settings()",
      "SELECT * FROM '%s/secret.csv'                           | names a file",
      "SELECT count(*) FROM messages WHERE id IN (SELECT a FROM read_csv('%s/secret.csv')) | refused: the table function read_csv()",
      "WITH x AS (SELECT * FROM read_csv_auto('%s/secret.csv')) SELECT * FROM x | refused: the table function read_csv_auto()",
      "SELECT 1; SELECT 2                                      | one statement per query",
      "SELECT * FROM (WITH sqlite_master AS (SELECT 1) SELECT 1) x, sqlite_master | unknown table sqlite_master",
      "SELECT (WITH duckdb_views AS (SELECT 1) SELECT 1), * FROM duckdb_views | unknown table duckdb_views",
      "WITH b AS (SELECT * FROM duckdb_tables), duckdb_tables AS (SELECT 1) SELECT * FROM b | unknown table duckdb_tables",
  })
  void isRefusedWithAMessage(String template, String message) {
    String sql = template.replace("%s", outside.toString());
    QueryException e = refused(sql);
    assertTrue(e.getMessage().contains(message.trim()), sql + " -> " + e.getMessage());
    assertFalse(Files.exists(outside.resolve("copy.csv")), "nothing was written");
    assertFalse(Files.exists(outside.resolve("copy2.csv")), "nothing was written");
    assertFalse(Files.exists(outside.resolve("export")), "nothing was written");
  }

  @Test
  void sqlTooDeepOrTooLongIsRefusedBeforeAnyEngineParsesIt() {
    int deep = SqlInspector.MAX_NESTING + 1;
    assertTrue(refused("SELECT " + "(".repeat(deep) + "1" + ")".repeat(deep)).getMessage().contains("levels of brackets"));
    assertTrue(refused("SELECT " + "[".repeat(5000) + "1" + "]".repeat(5000)).getMessage().contains("levels of brackets"));
    assertTrue(refused("SELECT 1 " + " ".repeat(SqlInspector.MAX_CHARS)).getMessage().contains("characters long"));
    // Brackets inside literals and comments do not count.
    assertDoesNotThrowLimits("SELECT '" + "(".repeat(500) + "' -- " + "[".repeat(500));
  }

  private static void assertDoesNotThrowLimits(String sql) {
    try {
      SqlInspector.checkLimits(sql);
    } catch (QueryException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  @Test
  void invalidSqlGivesTheEnginesMessage() {
    QueryException e = refused("SELEC source FROM messages");
    assertTrue(e.getMessage().startsWith("Parser Error: syntax error at or near \"SELEC\""), e.getMessage());
    QueryException binder = refused("SELECT no_such_column FROM messages");
    assertTrue(binder.getMessage().startsWith("Binder Error"), binder.getMessage());
    assertTrue(binder.getMessage().contains("no_such_column"), binder.getMessage());
    QueryException types = refused("SELECT CAST(source AS INTEGER) FROM messages");
    assertTrue(types.getMessage().startsWith("Conversion Error"), types.getMessage());
    assertTrue(refused("").getMessage().contains("no SQL statement"));
  }

  @Test
  void anUnknownTableListsTheTables() {
    QueryException e = refused("SELECT count(*) FROM mesages");
    assertEquals("unknown table mesages; did you mean 'messages'? the tables are: " + Table.names(), e.getMessage());
    QueryException qualified = refused("SELECT * FROM information_schema.tables");
    assertTrue(qualified.getMessage().startsWith("unknown table information_schema.tables; the tables are: "),
        qualified.getMessage());
    QueryException show = refused("SHOW TABLES");
    assertTrue(show.getMessage().contains(Table.names()), show.getMessage());
  }

  @Test
  void readOnlySelectsStillRun() throws Exception {
    for (String sql : new String[] {
        "SELECT count(*) FROM messages",
        "FROM messages SELECT source",
        "WITH recent AS (SELECT * FROM messages) SELECT count(*) FROM recent",
        "SELECT * FROM range(3)",
        "DESCRIBE messages",
        "SUMMARIZE SELECT id FROM messages",
        "SELECT m.source FROM messages m JOIN messages n ON m.id = n.id + 1",
        "WITH x AS (SELECT id FROM messages) SELECT count(*) FROM x a JOIN x b ON a.id = b.id",
        "SELECT * FROM messages m WHERE EXISTS (SELECT 1 FROM messages n WHERE n.id = m.id - 1)",
    }) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      engine.query(sql, TimeWindow.ALL, ResultFormat.CSV, out);
      assertTrue(out.size() > 0, sql);
    }
  }

  /** The second wall: even a statement the inspector let through could not reach a file. */
  @Test
  void theEngineItselfCannotReadFilesOrChangeItsSettings() throws Exception {
    try (RootAllocator allocator = new RootAllocator(); DuckSession session = DuckSession.open(allocator)) {
      QueryException read = assertThrows(QueryException.class,
          () -> session.execute("SELECT * FROM read_csv('" + outside.resolve("secret.csv") + "')", 1024).close());
      assertTrue(read.getMessage().contains("Permission Error"), read.getMessage());
      QueryException set = assertThrows(QueryException.class,
          () -> session.execute("SET enable_external_access = true", 1024).close());
      assertTrue(set.getMessage().contains("locked"), set.getMessage());
    }
    assertThrows(SQLException.class, () -> {
      try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement()) {
        st.execute("SET enable_external_access = false");
        st.execute("SELECT * FROM read_csv('" + outside.resolve("secret.csv") + "')");
      }
    }, "the setting is what stops file reads");
  }
}
