package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import dev.metadb.store.Schema;
import dev.metadb.writer.Child;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metadb query} and {@code metadb export} as a user runs them: output, messages, exit codes. */
class QueryCommandTest {
  static final Instant START = Instant.parse("2026-11-25T00:00:00Z");

  @TempDir static Path dir;
  static Path home;

  /** Result of one command line. */
  record Run(int code, String out, String err) {}

  @BeforeAll
  static void createMetaDb() throws Exception {
    home = dir.resolve("home");
    Files.createDirectories(home);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("meta.db")); Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      for (String ddl : Schema.createAll()) {
        st.execute(ddl);
      }
      st.execute("PRAGMA user_version=" + Schema.VERSION);
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO messages (event_id, ts_utc, host, pid, ingested_at, source, direction, body) VALUES (?, ?, 'h', 1, ?, ?, ?, ?)")) {
        for (int i = 0; i < 30; i++) {
          String ts = Timestamps.format(START.plusSeconds(i));
          insert.setString(1, "e" + i);
          insert.setString(2, ts);
          insert.setString(3, ts);
          insert.setString(4, i % 3 == 0 ? "bus" : "mail");
          insert.setString(5, i % 2 == 0 ? "inbound" : "outbound");
          insert.setString(6, "body, \"" + i + "\"");
          insert.executeUpdate();
        }
      }
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  static Run query(String... args) {
    List<String> all = new ArrayList<>(List.of("query", "--home", home.toString()));
    all.addAll(List.of(args));
    return run(all.toArray(String[]::new));
  }

  @Test
  void printsCsvJsonAndTableOnStdout() throws Exception {
    Run csv = query("--format", "csv", "SELECT source, count(*) AS n FROM messages GROUP BY source ORDER BY source");
    assertEquals(0, csv.code(), csv.err());
    assertEquals("source,n\nbus,10\nmail,20\n", csv.out());

    Run json = query("--format", "json", "SELECT id, body FROM messages WHERE id = 2");
    assertEquals(0, json.code(), json.err());
    JsonNode doc = new ObjectMapper().readTree(json.out());
    assertEquals("body, \"1\"", doc.path("rows").get(0).path("body").asText());
    assertEquals(1, doc.path("row_count").asInt());

    Run table = query("SELECT direction, count(*) AS n FROM messages GROUP BY 1 ORDER BY 1");
    assertEquals(0, table.code(), table.err());
    assertEquals(List.of("direction | n", "----------+---", "inbound   | 15", "outbound  | 15", "(2 rows)"),
        table.out().lines().map(String::stripTrailing).toList());
    assertEquals("", table.err());
  }

  @Test
  void windowsAndFilesWork() throws Exception {
    Run windowed = query("--format", "csv", "--since", "2026-11-25T00:00:10Z", "--until", "2026-11-25T00:00:20Z",
        "SELECT count(*) AS n, min(id) AS lo FROM messages");
    assertEquals(0, windowed.code(), windowed.err());
    assertEquals("n,lo\n10,11\n", windowed.out());

    Path arrow = dir.resolve("result.arrow");
    Run file = query("--format", "arrow", "--out", arrow.toString(), "SELECT id, ts_utc, source FROM messages ORDER BY id");
    assertEquals(0, file.code(), file.err());
    assertEquals("", file.out());
    try (RootAllocator allocator = new RootAllocator();
        ArrowStreamReader reader = new ArrowStreamReader(Files.newInputStream(arrow), allocator)) {
      int rows = 0;
      while (reader.loadNextBatch()) {
        rows += reader.getVectorSchemaRoot().getRowCount();
      }
      assertEquals(30, rows);
      assertEquals("ts_utc", reader.getVectorSchemaRoot().getSchema().getFields().get(1).getName());
    }
  }

  @Test
  void badInputExitsTwoWithAMessage() {
    Run parse = query("SELEC 1");
    assertEquals(2, parse.code());
    assertTrue(parse.err().startsWith("metadb query: Parser Error: syntax error at or near \"SELEC\""), parse.err());
    assertEquals("", parse.out());

    Run unknown = query("SELECT * FROM mesages");
    assertEquals(2, unknown.code());
    assertEquals("metadb query: unknown table mesages; did you mean 'messages'? the tables are: " + Table.names() + "\n", unknown.err());

    Path target = dir.resolve("leak.csv");
    Run copy = query("COPY messages TO '" + target + "'");
    assertEquals(2, copy.code());
    assertTrue(copy.err().contains("refused: COPY statements cannot run here"), copy.err());
    assertFalse(Files.exists(target));

    Run attach = query("ATTACH '" + home.resolve("meta.db") + "' AS m (TYPE sqlite)");
    assertEquals(2, attach.code());
    assertTrue(attach.err().contains("refused: ATTACH statements"), attach.err());

    Run since = query("--since", "yesterday", "SELECT 1");
    assertEquals(2, since.code());
    assertTrue(since.err().contains("--since yesterday is not a timestamp"), since.err());

    Run format = query("--format", "xml", "SELECT 1");
    assertEquals(2, format.code());
    assertTrue(format.err().contains("--format xml is not one of table, csv, json, arrow"), format.err());

    Run window = query("--since", "2026-11-26T00:00:00Z", "--until", "2026-11-25T00:00:00Z", "SELECT 1");
    assertEquals(2, window.code());
    assertTrue(window.err().contains("is not before --until"), window.err());
  }

  @Test
  void missingOrNewerMetaDbExitOneAndThree() throws Exception {
    Run missing = run("query", "--home", dir.resolve("empty-home").toString(), "SELECT count(*) FROM messages");
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("no meta.db at"), missing.err());

    Path newer = dir.resolve("newer");
    Files.createDirectories(newer);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + newer.resolve("meta.db")); Statement st = c.createStatement()) {
      st.execute("PRAGMA user_version=" + (Schema.VERSION + 1));
    }
    Run refused = run("query", "--home", newer.toString(), "SELECT count(*) FROM messages");
    assertEquals(3, refused.code(), refused.err());
    assertTrue(refused.err().contains("newer than this metadb"), refused.err());
    assertTrue(refused.err().contains("hint: a newer metadb has upgraded this meta.db"), refused.err());
  }

  @Test
  void exportWritesOneFilePerTable() throws Exception {
    Path out = dir.resolve("export");
    Run export = run("export", "--home", home.toString(), out.toString(), "--tables", "messages,ticks",
        "--since", "2026-11-25T00:00:05Z", "--json");
    assertEquals(0, export.code(), export.err());
    JsonNode doc = new ObjectMapper().readTree(export.out());
    assertEquals("messages", doc.path("tables").get(0).path("table").asText());
    assertEquals(25, doc.path("tables").get(0).path("rows").asLong());
    assertEquals(0, doc.path("tables").get(1).path("rows").asLong());
    try (RootAllocator allocator = new RootAllocator();
        FileChannel channel = FileChannel.open(out.resolve("messages.arrow"), StandardOpenOption.READ);
        ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
      assertTrue(reader.loadNextBatch());
      assertEquals(25, reader.getVectorSchemaRoot().getRowCount());
    }

    Run unknown = run("export", "--home", home.toString(), out.toString(), "--tables", "messages,nope");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("unknown table nope"), unknown.err());
  }

  @Test
  void helpShowsExamples() {
    assertTrue(run("query", "--help").out().contains("Examples:"));
    assertTrue(run("export", "--help").out().contains("Examples:"));
  }

  /** The real executable: a separate JVM, its exit status and its stdout. */
  @Test
  void aQueryProcessPrintsAndExits() throws Exception {
    try (Child ok = Child.start(Main.class, "query", "--home", home.toString(), "--format", "csv", "SELECT count(*) AS n FROM messages")) {
      assertEquals(0, ok.await(Duration.ofMinutes(2)), ok.err().toString());
      assertEquals(List.of("n", "30"), ok.out());
    }
    try (Child bad = Child.start(Main.class, "query", "--home", home.toString(), "--format", "csv", "SELECT nope FROM messages")) {
      assertEquals(2, bad.await(Duration.ofMinutes(2)));
      assertTrue(bad.err().stream().anyMatch(line -> line.contains("Binder Error")), bad.err().toString());
    }
  }
}
