package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import dev.metadb.writer.Child;
import dev.metadb.writer.WriterChild;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A simulated fleet: {@link #HOSTS} homes standing for hosts, each with its own writer processes
 * (a {@link WriterChild} process recording ticks and messages now, and a {@code metadb replay}
 * applying older crashes and CLI calls spread over six days), its own {@code metadb ingest} and its own
 * {@code metadb export --format parquet --follow} into ONE shared lake. Exporters are killed with
 * kill -9 at random moments and started again; at the end each is stopped with SIGTERM (exit 0),
 * and one last {@code metadb export} per host catches up.
 *
 * <p>Then: {@code metadb query --lake} counts per table and per host equal the hosts' meta.db
 * counts, no event_id appears twice in the lake, no temporary file is left, and python3's
 * pyarrow, an engine metadb did not write, reads every file with the same totals.
 */
class FleetLakeTest {
  private static final int HOSTS = 8;
  private static final int WRITER_EVENTS = 240;
  private static final int HISTORY_EVENTS = 90;
  private static final Duration START = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TABLES = List.of("ticks", "messages", "crashes", "cli_invocations");

  @TempDir Path dir;

  private Path home(int host) {
    return dir.resolve("home-" + host);
  }

  private Path lake() {
    return dir.resolve("lake");
  }

  private Child exporter(int host) throws IOException {
    return Child.start(Main.class, "export", "--home", home(host).toString(), "--format", "parquet", "--follow",
        "--interval", "300ms", "--chunk-rows", "25", "--host", "host-" + host, lake().toString());
  }

  @Test
  void eightHostsExportIntoOneLakeExactlyOnceThroughKill9() throws Exception {
    Random random = new Random(17);
    List<Child> writers = new ArrayList<>();
    List<Child> ingesters = new ArrayList<>();
    Child[] exporters = new Child[HOSTS];
    try {
      for (int h = 0; h < HOSTS; h++) {
        Files.createDirectories(home(h));
        Path history = dir.resolve("history-" + h + ".jsonl");
        writeHistory(history, h, random);
        writers.add(Child.start(WriterChild.class, home(h).toString(), Integer.toString(WRITER_EVENTS), "10"));
        ingesters.add(Child.start(Main.class, "ingest", "--home", home(h).toString(), "--max-latency-ms", "100"));
      }
      for (int h = 0; h < HOSTS; h++) {
        // The second writer of each home, in this JVM (one process fewer per host): older events.
        CommandRun replay = CommandRun.of("replay", "--home", home(h).toString(), "--spool", dir.resolve("history-" + h + ".jsonl").toString());
        assertEquals(0, replay.exit(), replay.err());
      }
      // Exporters start once each home has a meta.db (the ingester or the replay creates it).
      for (int h = 0; h < HOSTS; h++) {
        awaitFile(home(h).resolve("meta.db"));
        exporters[h] = exporter(h);
      }
      int kills = 0;
      long resumed = 0;
      long killUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
      while (System.nanoTime() < killUntil || kills < HOSTS) {
        Thread.sleep(100 + random.nextInt(700));
        int h = random.nextInt(HOSTS);
        exporters[h].kill9();
        kills++;
        resumed += exporters[h].err().stream().filter(l -> l.contains("left by an interrupted export")).count();
        exporters[h] = exporter(h);
      }
      for (Child writer : writers) {
        assertEquals(0, writer.await(START), writer.err().toString());
      }
      for (int h = 0; h < HOSTS; h++) {
        // SIGTERM: the follow loop finishes its chunk and exits 0 (once it has started: a JVM
        // still starting has no handler yet and would die of the signal).
        Child exporter = exporters[h];
        assertTrue(exporter.awaitErr(l -> l.startsWith("metadb export: exporting into"), START), exporter.err().toString());
        assertTrue(exporter.process.toHandle().destroy());
        assertEquals(0, exporter.await(START), exporter.err().toString());
        assertTrue(exporter.err().stream().anyMatch(l -> l.equals("metadb export: stopped")), exporter.err().toString());
      }
      for (Child ingester : ingesters) {
        assertTrue(ingester.process.toHandle().destroy());
        assertEquals(0, ingester.await(START), ingester.err().toString());
      }
      for (int h = 0; h < HOSTS; h++) {
        CommandRun ingest = CommandRun.of("ingest", "--once", "--home", home(h).toString());
        assertEquals(0, ingest.exit(), ingest.err());
        CommandRun export = CommandRun.of("export", "--home", home(h).toString(), "--format", "parquet",
            "--host", "host-" + h, lake().toString());
        assertEquals(0, export.exit(), export.err());
      }
      for (Child exporter : exporters) {
        resumed += exporter.err().stream().filter(l -> l.contains("left by an interrupted export")).count();
      }
      System.out.printf("fleet: %d exporters killed with kill -9 and restarted; %d chunks renamed but not committed"
          + " by a killed exporter were completed by the next%n", kills, resumed);
    } finally {
      for (Child child : writers) {
        child.close();
      }
      for (Child child : ingesters) {
        child.close();
      }
      for (Child child : exporters) {
        if (child != null) {
          child.close();
        }
      }
    }

    Map<String, Long> expected = new TreeMap<>();
    Map<String, Long> expectedPerHost = new TreeMap<>();
    for (int h = 0; h < HOSTS; h++) {
      for (String table : TABLES) {
        long rows = sqliteCount(home(h), table);
        assertTrue(rows > 0, "host " + h + " has no " + table);
        expected.merge(table, rows, Long::sum);
        expectedPerHost.put(table + "/host-" + h, rows);
      }
    }
    assertEquals((long) HOSTS * WRITER_EVENTS / 2, expected.get("ticks"));
    assertEquals((long) HOSTS * HISTORY_EVENTS / 2, expected.get("crashes"));

    Map<String, Long> lakeTotals = new TreeMap<>();
    Map<String, Long> lakePerHost = new TreeMap<>();
    for (Table table : Table.values()) {
      JsonNode rows = lakeQuery("SELECT host, count(*) AS n, count(DISTINCT event_id) AS ids FROM " + table.sqlName()
          + " GROUP BY host ORDER BY host");
      for (JsonNode row : rows) {
        assertEquals(row.get("n").asLong(), row.get("ids").asLong(), "an event_id twice in " + table.sqlName() + ": " + row);
        lakeTotals.merge(table.sqlName(), row.get("n").asLong(), Long::sum);
        lakePerHost.put(table.sqlName() + "/" + row.get("host").asText(), row.get("n").asLong());
      }
    }
    assertEquals(expected, lakeTotals);
    assertEquals(expectedPerHost, lakePerHost);
    JsonNode fleetIds = lakeQuery("SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM"
        + " (SELECT event_id FROM ticks UNION ALL SELECT event_id FROM messages UNION ALL SELECT event_id FROM crashes"
        + " UNION ALL SELECT event_id FROM cli_invocations)");
    assertEquals(fleetIds.get(0).get("n").asLong(), fleetIds.get(0).get("ids").asLong(), "an event_id in two tables or hosts");
    assertTrue(lakeQuery("SELECT DISTINCT date FROM crashes").size() >= 6, "crashes span six dates");

    try (Stream<Path> files = Files.walk(lake())) {
      List<Path> leftovers = files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
      assertEquals(List.of(), leftovers, "temporary files left in the lake");
    }
    JsonNode pyarrow = pyarrowTotals();
    assertEquals(0, pyarrow.get("duplicates").asLong(), pyarrow.toString());
    Map<String, Long> pyarrowTotals = new TreeMap<>();
    pyarrow.get("rows").fields().forEachRemaining(e -> pyarrowTotals.put(e.getKey(), e.getValue().asLong()));
    assertEquals(expected, pyarrowTotals);
    System.out.printf("fleet: %s rows in %d files, read by pyarrow %s%n", expected, pyarrow.get("files").asLong(),
        pyarrow.get("version").asText());
  }

  /** {@link #HISTORY_EVENTS} spool lines, half crashes and half CLI calls, over six past UTC days. */
  private static void writeHistory(Path file, int host, Random random) throws IOException {
    StringBuilder lines = new StringBuilder();
    Instant first = Instant.parse("2026-11-20T00:00:00Z");
    for (int i = 0; i < HISTORY_EVENTS; i++) {
      Instant ts = first.plusSeconds((long) (i / 2 % 6) * 86_400 + random.nextInt(86_400));
      String id = UUID.randomUUID().toString();
      String data = i % 2 == 0
          ? "{\"kind\":\"oom\",\"agent\":\"agent-" + (i % 5) + "\"}"
          : "{\"bin\":\"git\",\"exit_code\":" + (i % 3) + ",\"duration_ms\":" + random.nextInt(5000) + "}";
      lines.append("{\"event_id\":\"").append(id).append("\",\"table\":\"").append(i % 2 == 0 ? "crashes" : "cli_invocations")
          .append("\",\"ts_utc\":\"").append(Timestamps.format(ts)).append("\",\"host\":\"box-").append(host)
          .append("\",\"pid\":1,\"v\":1,\"data\":").append(data).append("}\n");
    }
    Files.writeString(file, lines.toString(), StandardCharsets.UTF_8);
  }

  private static void awaitFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + START.toNanos();
    while (!Files.exists(file)) {
      assertTrue(System.nanoTime() < deadline, "no " + file + " after " + START);
      Thread.sleep(50);
    }
  }

  private static long sqliteCount(Path home, String table) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("meta.db"));
        Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private JsonNode lakeQuery(String sql) throws IOException {
    CommandRun run = CommandRun.of("query", "--lake", lake().toString(), "--format", "json", sql);
    assertEquals(0, run.exit(), run.err());
    return JSON.readTree(run.out()).get("rows");
  }

  /** Reads every Parquet file of the lake with pyarrow: rows per table, duplicate event_ids. */
  private JsonNode pyarrowTotals() throws Exception {
    String script = String.join("\n",
        "import json, pathlib, sys",
        "import pyarrow, pyarrow.parquet as pq",
        "rows, ids, files = {}, set(), 0",
        "duplicates = 0",
        "for f in sorted(pathlib.Path(sys.argv[1]).rglob('*.parquet')):",
        "    table = pq.read_table(f)",
        "    files += 1",
        "    name = f.parts[-4].split('=', 1)[1]",
        "    rows[name] = rows.get(name, 0) + table.num_rows",
        "    for event_id in table.column('event_id').to_pylist():",
        "        duplicates += event_id in ids",
        "        ids.add(event_id)",
        "print(json.dumps({'rows': rows, 'duplicates': duplicates, 'files': files, 'version': pyarrow.__version__}))");
    Process python = new ProcessBuilder("python3", "-c", script, lake().toString()).redirectErrorStream(true).start();
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(python.waitFor(120, TimeUnit.SECONDS), "python3 did not finish");
    assertEquals(0, python.exitValue(), "python3 with pyarrow failed (is pyarrow installed? .ci/run installs it): " + out);
    return JSON.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
  }
}
