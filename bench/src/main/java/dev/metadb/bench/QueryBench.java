package dev.metadb.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.metadb.event.Timestamps;
import dev.metadb.ingester.Schema;
import dev.metadb.query.QueryEngine;
import dev.metadb.query.QueryException;
import dev.metadb.query.ResultFormat;
import dev.metadb.query.TimeWindow;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The 1M-row query benchmark: how long a grouped aggregate over a large table takes the first
 * time (the snapshot is built), the times after (the snapshot is only checked and loaded), and
 * after small appends (the snapshot is extended), against the BASELINE measured in the same run:
 * a full re-snapshot, i.e. the same query reading its columns from SQLite again every time
 * ({@code SnapshotMode.DIRECT}), and a rebuild of the snapshot from nothing.
 *
 * <p>Each latency is one whole {@link QueryEngine#query} call inside this process: open meta.db
 * read-only, refresh or read the snapshot, load the columns, DuckDB, format the result. With
 * {@code --process-runs N > 0} it also times whole {@code metadb query} processes (a new JVM
 * each: JVM start, class loading and DuckDB's native library included).
 *
 * <p>Targets (issue 5): repeated in-process median under 200 ms, and at least 5x faster than the
 * full re-snapshot. The report states both as ratios against the baseline, never as absolutes
 * alone.
 *
 * <p>Output: progress on stderr, one JSON document on stdout. Run on its own:
 *
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java $(cat command/target/metadb/jvm.flags) \
 *   -cp "bench/target/classes:command/target/metadb/metadb.jar:command/target/metadb/lib/*" \
 *   dev.metadb.bench.QueryBench [--rows 1000000] [--repeat 15] [--process-runs 3] [--dir DIR]
 * </pre>
 */
public final class QueryBench {
  static final String SQL =
      "SELECT agent, avg(exit_code) AS avg_exit, count(*) AS n FROM clone_dispatches GROUP BY agent ORDER BY agent";
  static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
  static final String[] STATUSES = {"ok", "failed", "timeout", "running"};

  private final int rows;
  private final int repeat;
  private final int processRuns;
  private final Path dir;
  private long nextId;

  private QueryBench(int rows, int repeat, int processRuns, Path dir) {
    this.rows = rows;
    this.repeat = repeat;
    this.processRuns = processRuns;
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    int rows = 1_000_000;
    int repeat = 15;
    int processRuns = 3;
    Path dir = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--repeat" -> repeat = Integer.parseInt(args[++i]);
        case "--process-runs" -> processRuns = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        default -> throw new IllegalArgumentException(
            "usage: QueryBench [--rows N] [--repeat N] [--process-runs N] [--dir DIR] (unknown: " + args[i] + ")");
      }
    }
    if (dir == null) {
      dir = Files.createTempDirectory("metadb-querybench");
    }
    new QueryBench(rows, repeat, processRuns, dir).run();
  }

  private void run() throws Exception {
    Home home = new Home(dir.resolve("home"));
    progress("creating %,d clone_dispatches rows in %s", rows, home.metaDb());
    createMetaDb(home);
    append(home, rows);

    progress("first query (builds the snapshot)");
    double first;
    List<Double> repeated = new ArrayList<>();
    List<Double> afterAppend = new ArrayList<>();
    List<Double> rebuild = new ArrayList<>();
    List<Double> direct = new ArrayList<>();
    try (QueryEngine engine = QueryEngine.open(home, QueryEngine.SnapshotMode.INCREMENTAL, QueryBench::progress)) {
      first = time(engine);
      progress("repeated queries (%d)", repeat);
      for (int i = 0; i < repeat; i++) {
        repeated.add(time(engine));
      }
      progress("queries after appending 1,000 rows each time (%d)", repeat);
      for (int i = 0; i < repeat; i++) {
        append(home, 1_000);
        afterAppend.add(time(engine));
      }
      int baselineRuns = Math.max(3, repeat / 5);
      progress("baseline: rebuild the snapshot from nothing (%d)", baselineRuns);
      for (int i = 0; i < baselineRuns; i++) {
        deleteTree(home.snapshotsDir());
        rebuild.add(time(engine));
      }
    }
    try (QueryEngine engine = QueryEngine.open(home, QueryEngine.SnapshotMode.DIRECT, QueryBench::progress)) {
      int baselineRuns = Math.max(3, repeat / 5);
      progress("baseline: full re-snapshot from SQLite every query (%d)", baselineRuns);
      for (int i = 0; i < baselineRuns; i++) {
        direct.add(time(engine));
      }
    }

    List<Double> processRepeated = new ArrayList<>();
    Double processFirst = null;
    if (processRuns > 0) {
      progress("whole metadb query processes (%d after one that rebuilds)", processRuns);
      deleteTree(home.snapshotsDir());
      processFirst = timeProcess(home);
      for (int i = 0; i < processRuns; i++) {
        processRepeated.add(timeProcess(home));
      }
    }
    report(first, repeated, afterAppend, rebuild, direct, processFirst, processRepeated);
  }

  private static double time(QueryEngine engine) throws QueryException {
    long start = System.nanoTime();
    engine.query(SQL, TimeWindow.ALL, ResultFormat.CSV, OutputStream.nullOutputStream());
    return (System.nanoTime() - start) / 1e6;
  }

  private double timeProcess(Home home) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(jvmFlags());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.metadb.command.Main",
        "query", "--home", home.dir().toString(), "--format", "csv", SQL));
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IllegalStateException("metadb query process failed: exit " + process.exitValue());
    }
    return (System.nanoTime() - start) / 1e6;
  }

  private void report(double first, List<Double> repeated, List<Double> afterAppend, List<Double> rebuild,
      List<Double> direct, Double processFirst, List<Double> processRepeated) throws IOException {
    double repeatedMedian = percentile(repeated, 50);
    double directMedian = percentile(direct, 50);
    double rebuildMedian = percentile(rebuild, 50);
    double baseline = Math.min(directMedian, rebuildMedian);
    try (JsonGenerator json = new JsonFactory().createGenerator(System.out).useDefaultPrettyPrinter()) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      json.writeStartObject();
      json.writeStringField("benchmark", "query-1m");
      json.writeStringField("sql", SQL);
      json.writeNumberField("rows", rows);
      json.writeNumberField("cores", Runtime.getRuntime().availableProcessors());
      json.writeObjectFieldStart("in_process_ms");
      json.writeNumberField("first_build", round(first));
      summary(json, "repeated", repeated);
      summary(json, "after_append_1000", afterAppend);
      summary(json, "baseline_full_resnapshot_direct", direct);
      summary(json, "baseline_rebuild_snapshot", rebuild);
      json.writeEndObject();
      if (processFirst != null) {
        json.writeObjectFieldStart("process_ms");
        json.writeNumberField("first_build", round(processFirst));
        summary(json, "repeated", processRepeated);
        json.writeEndObject();
      }
      json.writeObjectFieldStart("ratios");
      json.writeNumberField("direct_over_repeated", round(directMedian / repeatedMedian));
      json.writeNumberField("rebuild_over_repeated", round(rebuildMedian / repeatedMedian));
      json.writeNumberField("first_over_repeated", round(first / repeatedMedian));
      json.writeEndObject();
      json.writeObjectFieldStart("targets");
      json.writeBooleanField("repeated_median_under_200ms", repeatedMedian < 200);
      json.writeBooleanField("repeated_at_least_5x_faster_than_full_resnapshot", baseline / repeatedMedian >= 5);
      json.writeEndObject();
      json.writeEndObject();
    }
    System.out.println();
  }

  private static void summary(JsonGenerator json, String name, List<Double> samples) throws IOException {
    json.writeObjectFieldStart(name);
    json.writeNumberField("samples", samples.size());
    json.writeNumberField("median", round(percentile(samples, 50)));
    json.writeNumberField("p95", round(percentile(samples, 95)));
    json.writeNumberField("min", round(samples.stream().min(Comparator.naturalOrder()).orElseThrow()));
    json.writeNumberField("max", round(samples.stream().max(Comparator.naturalOrder()).orElseThrow()));
    json.writeEndObject();
  }

  /** Nearest-rank percentile. */
  static double percentile(List<Double> samples, int p) {
    double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static double round(double value) {
    return Math.round(value * 10) / 10.0;
  }

  private static void createMetaDb(Home home) throws IOException, SQLException {
    Home.createPrivateDirectories(home.dir());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.metaDb()); Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      for (String ddl : Schema.createAll()) {
        st.execute(ddl);
      }
      st.execute("PRAGMA user_version=" + Schema.VERSION);
    }
  }

  /** Appends {@code count} clone_dispatches in time order, in one transaction. */
  private void append(Home home, int count) throws SQLException {
    Random random = new Random(nextId);
    String sql = "INSERT INTO clone_dispatches (event_id, ts_utc, host, pid, ingested_at, clone_id, agent, brief,"
        + " branch, status, exit_code, detail_json) VALUES (?, ?, 'bench', 1, ?, ?, ?, ?, ?, ?, ?, ?)";
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.metaDb())) {
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA busy_timeout=10000");
      }
      c.setAutoCommit(false);
      try (PreparedStatement insert = c.prepareStatement(sql)) {
        for (int i = 0; i < count; i++) {
          long id = nextId++;
          String ts = Timestamps.format(START.plusMillis(id));
          insert.setString(1, String.format("0193%012x-bench", id));
          insert.setString(2, ts);
          insert.setString(3, ts);
          insert.setString(4, "clone-" + id);
          insert.setString(5, "agent-" + random.nextInt(25));
          insert.setString(6, "brief " + random.nextInt(1000));
          insert.setString(7, "branch-" + random.nextInt(50));
          insert.setString(8, STATUSES[random.nextInt(STATUSES.length)]);
          if (random.nextInt(20) == 0) {
            insert.setNull(9, java.sql.Types.INTEGER);
          } else {
            insert.setLong(9, random.nextInt(4));
          }
          insert.setString(10, "{\"n\":" + id + "}");
          insert.addBatch();
          if (i % 10_000 == 9_999) {
            insert.executeBatch();
          }
        }
        insert.executeBatch();
      }
      c.commit();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static void progress(String format, Object... args) {
    System.err.println("query-bench: " + String.format(format, args));
  }

  private static void progress(String line) {
    System.err.println("query-bench: " + line);
  }

  /** The JVM flags this process was started with, for child processes to match. */
  private static List<String> jvmFlags() {
    List<String> flags = new ArrayList<>(ManagementFactory.getRuntimeMXBean().getInputArguments());
    flags.removeIf(flag -> flag.startsWith("-agentlib") || flag.startsWith("-javaagent"));
    return flags;
  }
}
