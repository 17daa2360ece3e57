package dev.metadb.command;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.metadb.event.Table;
import dev.metadb.ingester.IngestMetrics;
import dev.metadb.ingester.IngestStatus;
import dev.metadb.writer.Home;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * {@code metadb ingest --metrics HOST:PORT}: the ingester's figures for Prometheus, with the
 * official client ({@code io.prometheus:prometheus-metrics-*}), served at {@code /metrics} only.
 *
 * <p>COUNTERS move on the ingest thread, once per batch ({@link IngestMetrics}). GAUGES (lag,
 * spool and quarantine lines) are read from the home as {@code metadb status} reads it ({@link
 * IngestStatus}: meta.db read-only, queue tailers), once at the start of a scrape and at most once
 * a second; every gauge of one scrape reads that one state, so a scrape never pairs one reading's
 * lag in entries with another's lag in seconds. JVM and process metrics come from the client's
 * JVM instrumentation.
 *
 * <p>SERVER. The JDK's HTTP server bound to exactly the address given (nothing else listens),
 * one handler thread; any path but {@code /metrics} is 404. Nothing is pushed anywhere.
 */
final class PrometheusMetrics implements IngestMetrics, AutoCloseable {
  private static final long STATE_TTL_NANOS = 1_000_000_000L;
  private static final String PATH = "/metrics";

  private final Home home;
  private final Consumer<String> log;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter events;
  private final Counter batches;
  private final Counter duplicates;
  private final Counter spooled;
  private final Histogram batchSeconds;
  private final Counter retries;
  private final Counter deletedRows;
  private final Counter deletedFiles;
  private final HttpServer server;
  /** Written and read only on the server's one handler thread (the gauges' callbacks run there). */
  private Optional<State> state = Optional.empty();
  private long stateAt;

  /** What the gauges show, read at most once a second. */
  private record State(IngestStatus status, long quarantineLines, Instant at) {}

  private PrometheusMetrics(Home home, InetSocketAddress address, Consumer<String> log) throws IOException {
    this.home = home;
    this.log = log;
    events = Counter.builder().name("metadb_events_ingested_total").help("Rows inserted into meta.db, by table")
        .labelNames("table").register(registry);
    for (Table table : Table.values()) {
      events.labelValues(table.sqlName());
    }
    batches = Counter.builder().name("metadb_batches_total").help("Batches committed").register(registry);
    duplicates = Counter.builder().name("metadb_duplicates_total").help("Entries whose event was already a row").register(registry);
    spooled = Counter.builder().name("metadb_entries_spooled_total").help("Entries sent to the error spool instead of a table").register(registry);
    batchSeconds = Histogram.builder().name("metadb_batch_duration_seconds").help("Time to commit one batch")
        .unit(Unit.SECONDS).classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10)
        .register(registry);
    retries = Counter.builder().name("metadb_retries_total").help("Batches retried, by cause").labelNames("cause").register(registry);
    deletedRows = Counter.builder().name("metadb_retention_deleted_rows_total").help("Expired rows deleted by retention").register(registry);
    deletedFiles = Counter.builder().name("metadb_retention_deleted_files_total").help("Finished files and ingested cycle files deleted by retention").register(registry);
    GaugeWithCallback.builder().name("metadb_lag_entries")
        .help("Events not yet ingested: queue entries (source=queue) and complete inbox/trail lines (source=files)")
        .labelNames("source")
        .callback(cb -> state.ifPresent(s -> {
          for (IngestStatus.Waiting where : IngestStatus.Waiting.values()) {
            cb.call(s.status().lagEntries(where), label(where));
          }
        }))
        .register(registry);
    GaugeWithCallback.builder().name("metadb_lag_seconds")
        .help("How long the oldest event not yet ingested has waited, by source (queue, files)")
        .unit(Unit.SECONDS)
        .labelNames("source")
        .callback(cb -> state.ifPresent(s -> {
          for (IngestStatus.Waiting where : IngestStatus.Waiting.values()) {
            cb.call(s.status().lag(where, s.at()).toMillis() / 1000.0, label(where));
          }
        }))
        .register(registry);
    GaugeWithCallback.builder().name("metadb_spool_lines").help("Lines in the error spool files waiting for metadb replay")
        .callback(cb -> state.ifPresent(s -> cb.call(s.status().spoolPendingLines())))
        .register(registry);
    GaugeWithCallback.builder().name("metadb_quarantine_lines").help("Lines in logs/quarantine (could not be applied)")
        .callback(cb -> state.ifPresent(s -> cb.call(s.quarantineLines()))).register(registry);
    JvmMetrics.builder().register(registry);
    server = HttpServer.create(address, 16);
    MetricsHandler metrics = new MetricsHandler(registry);
    server.createContext("/", exchange -> {
      try (exchange) {
        if (exchange.getRequestURI().getPath().equals(PATH)) {
          refreshState();
          metrics.handle(exchange);
        } else {
          exchange.sendResponseHeaders(404, -1);
        }
      }
    });
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "metadb-metrics");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  /**
   * Serves metrics at {@code http://HOST:PORT/metrics}. PORT 0 picks a free port ({@link #port()}).
   *
   * @throws IllegalArgumentException for text that is not HOST:PORT
   */
  static PrometheusMetrics start(Home home, String hostPort, Consumer<String> log) throws IOException {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException("--metrics " + hostPort + " is not HOST:PORT (example: 127.0.0.1:9464)");
    }
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(hostPort.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--metrics " + hostPort + ": the port is not a number");
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved() || port < 0 || port > 65535) {
      throw new IllegalArgumentException("--metrics " + hostPort + ": cannot bind to that address");
    }
    PrometheusMetrics metrics = new PrometheusMetrics(home, address, log);
    if (!address.getAddress().isLoopbackAddress()) {
      log.accept("metrics are served on " + host + ", which is not a loopback address: anyone who can reach it can read them");
    }
    log.accept("metrics on http://" + hostPort.substring(0, colon) + ":" + metrics.port() + PATH);
    return metrics;
  }

  int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void batchCommitted(long[] insertedPerTable, long entries, long duplicateCount, long spooledCount, long nanos) {
    Table[] tables = Table.values();
    for (int i = 0; i < insertedPerTable.length; i++) {
      if (insertedPerTable[i] > 0) {
        events.labelValues(tables[i].sqlName()).inc(insertedPerTable[i]);
      }
    }
    batches.inc();
    duplicates.inc(duplicateCount);
    spooled.inc(spooledCount);
    batchSeconds.observe(nanos / 1e9);
  }

  @Override
  public void retried(String cause) {
    retries.labelValues(cause).inc();
  }

  @Override
  public void retentionDeletedRows(long rows) {
    deletedRows.inc(rows);
  }

  @Override
  public void retentionDeletedFiles(long files) {
    deletedFiles.inc(files);
  }

  /** Reads the home's state again when the last reading is older than a second or failed. */
  private void refreshState() {
    long now = System.nanoTime();
    if (state.isPresent() && now - stateAt <= STATE_TTL_NANOS) {
      return;
    }
    try {
      state = Optional.of(new State(IngestStatus.read(home), quarantineLines(home.quarantineDir()), Instant.now()));
      stateAt = now;
    } catch (Exception e) {
      log.accept("metrics: cannot read the home's state: " + e.getMessage());
      state = Optional.empty();
    }
  }

  private static String label(IngestStatus.Waiting where) {
    return where.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static long quarantineLines(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long lines = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jsonl")) {
      for (Path file : files) {
        lines += newlines(file);
      }
    }
    return lines;
  }

  private static long newlines(Path file) throws IOException {
    long n = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read; (read = in.read(buffer)) > 0; ) {
        for (int i = 0; i < read; i++) {
          if (buffer[i] == '\n') {
            n++;
          }
        }
      }
    }
    return n;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
