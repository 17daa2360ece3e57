package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.writer.Child;
import dev.metadb.writer.WriterChild;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metadb ingest --metrics}: a real ingester process scraped over HTTP, figures against meta.db. */
class MetricsTest {
  private static final Duration START = Duration.ofSeconds(60);
  private static final Pattern SERVED = Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$");

  @TempDir Path dir;

  private String home() {
    return dir.resolve("home").toString();
  }

  @Test
  void scrapedFiguresMatchMetaDbAndOnlyTheMetricsPathIsServed() throws Exception {
    try (Child ingest = Child.start(Main.class, "ingest", "--home", home(), "--metrics", "127.0.0.1:0")) {
      assertTrue(ingest.awaitErr(l -> SERVED.matcher(l).find(), START), ingest.err().toString());
      int port = ingest.err().stream().map(SERVED::matcher).filter(Matcher::find).findFirst()
          .map(m -> Integer.parseInt(m.group(1))).orElseThrow();
      Child writer = Child.start(WriterChild.class, home(), "400");
      assertEquals(0, writer.await(START), writer.err().toString());
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + port + "/metrics");
      long deadline = System.nanoTime() + START.toNanos();
      Map<String, Double> samples;
      while (true) {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        samples = parse(response.body());
        double ingested = samples.getOrDefault("metadb_events_ingested_total{table=\"ticks\"}", 0.0)
            + samples.getOrDefault("metadb_events_ingested_total{table=\"messages\"}", 0.0);
        // Both lag gauges are read at scrape time, not in one snapshot: wait until both are 0.
        if (ingested == 400 && samples.get("metadb_lag_entries{source=\"queue\"}") == 0
            && samples.get("metadb_lag_seconds{source=\"queue\"}") == 0) {
          break;
        }
        assertTrue(System.nanoTime() < deadline, "ingested " + ingested + " of 400, lag " + samples.get("metadb_lag_entries{source=\"queue\"}")
            + " entries, " + samples.get("metadb_lag_seconds{source=\"queue\"}") + " s: " + ingest.err());
        Thread.sleep(200);
      }
      assertEquals(count("SELECT count(*) FROM ticks"), samples.get("metadb_events_ingested_total{table=\"ticks\"}"));
      assertEquals(count("SELECT count(*) FROM messages"), samples.get("metadb_events_ingested_total{table=\"messages\"}"));
      assertEquals(0.0, samples.get("metadb_events_ingested_total{table=\"crashes\"}"));
      double batches = samples.get("metadb_batches_total");
      assertTrue(batches >= 1, samples.toString());
      assertEquals(batches, samples.get("metadb_batch_duration_seconds_count"));
      assertEquals(0.0, samples.get("metadb_spool_lines"));
      assertEquals(0.0, samples.get("metadb_quarantine_lines"));
      assertEquals(0.0, samples.get("metadb_lag_seconds{source=\"queue\"}"));
      assertEquals(0.0, samples.get("metadb_lag_entries{source=\"files\"}"));
      assertEquals(0.0, samples.get("metadb_lag_seconds{source=\"files\"}"));
      assertTrue(samples.containsKey("process_cpu_seconds_total"), "process metrics");
      assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")), "JVM metrics");

      for (String path : new String[] {"/", "/-/healthy", "/metrics/x", "/metricsx"}) {
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(404, other.statusCode(), path);
      }
    }
  }

  /**
   * Rows past their table's retention, deleted by the running ingester, are counted in
   * metadb_retention_deleted_rows_total exactly as meta.db lost them; inbox lines waiting are
   * metadb_lag_entries{source="files"} until they land.
   */
  @Test
  void retentionDeletesAndInboxLagAreExported() throws Exception {
    assertEquals(0, CommandRun.of("retain", "--home", home(), "ticks", "30d").exit());
    Path inbox = Files.createDirectories(Path.of(home(), "inbox"));
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      lines.append("\n{\"table\":\"ticks\",\"ts_utc\":\"2020-01-01T00:00:").append(String.format("%02d", i))
          .append("Z\",\"data\":{\"source\":\"old-").append(i).append("\"}}\n");
    }
    Files.writeString(inbox.resolve("old-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl"), lines);
    try (Child ingest = Child.start(Main.class, "ingest", "--home", home(), "--metrics", "127.0.0.1:0")) {
      assertTrue(ingest.awaitErr(l -> SERVED.matcher(l).find(), START), ingest.err().toString());
      int port = ingest.err().stream().map(SERVED::matcher).filter(Matcher::find).findFirst()
          .map(m -> Integer.parseInt(m.group(1))).orElseThrow();
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + port + "/metrics");
      long deadline = System.nanoTime() + START.toNanos();
      Map<String, Double> samples;
      while (true) {
        samples = parse(http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body());
        if (samples.getOrDefault("metadb_retention_deleted_rows_total", 0.0) == 49
            && samples.get("metadb_lag_entries{source=\"files\"}") == 0) {
          break;
        }
        assertTrue(System.nanoTime() < deadline, "retention deleted " + samples.get("metadb_retention_deleted_rows_total")
            + " rows, inbox lines waiting " + samples.get("metadb_lag_entries{source=\"files\"}") + "; " + ingest.err());
        Thread.sleep(200);
      }
      assertEquals(50.0, samples.get("metadb_events_ingested_total{table=\"ticks\"}"));
      assertEquals(1.0, count("SELECT count(*) FROM ticks"), "all but the newest expired row are gone (tail relies on it)");
      assertEquals(0.0, samples.get("metadb_lag_seconds{source=\"files\"}"));
    }
  }

  @Test
  void aBadAddressIsRefusedBeforeIngesting() {
    CommandRun run = CommandRun.of("ingest", "--once", "--home", home(), "--metrics", "localhost");
    assertEquals(2, run.exit(), run.err());
    assertTrue(run.err().contains("is not HOST:PORT"), run.err());
  }

  private static Map<String, Double> parse(String body) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : body.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.matches()) {
        samples.put(m.group(1), Double.parseDouble(m.group(2)));
      }
    }
    return samples;
  }

  private double count(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + Path.of(home(), "meta.db"));
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
