package dev.metadb.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.metadb.event.Timestamps;
import dev.metadb.query.QueryEngine;
import dev.metadb.query.QueryException;
import dev.metadb.query.ResultFormat;
import dev.metadb.query.TimeWindow;
import dev.metadb.store.Schema;
import dev.metadb.writer.FileTrees;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.io.OutputStream;
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
import java.util.Map;
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
 * {@code --process-runs N > 0} it also times whole processes as a user runs them, through
 * {@code --launcher} ({@code bin/metadb}): the grouped query against python3's sqlite3 running the
 * same SQL on meta.db, {@code SELECT 1} against {@code metadb status}, and checks that no metadb
 * process, even one killed with SIGKILL, leaves a file in its {@code java.io.tmpdir}.
 *
 * <p>Targets (issue 5): repeated in-process median under 200 ms, and at least 5x faster than the
 * full re-snapshot. Issue 13: the grouped query as a whole process within 2x of python3's, and
 * {@code SELECT 1} within 3x of {@code metadb status}. The report states both as ratios against the baseline, never as absolutes
 * alone.
 *
 * <p>Output: progress on stderr, one JSON document on stdout. Run on its own:
 *
 * <pre>
 * mvn -q -B -pl bench -am package -DskipTests
 * java $(cat command/target/metadb/jvm.flags) \
 *   -cp "bench/target/classes:command/target/metadb/metadb.jar:command/target/metadb/lib/*" \
 *   dev.metadb.bench.QueryBench [--rows 1000000] [--repeat 15] [--process-runs 3 --launcher bin/metadb] [--dir DIR]
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
  private final Path launcher;
  private long nextId;

  private QueryBench(int rows, int repeat, int processRuns, Path dir, Path launcher) {
    this.rows = rows;
    this.repeat = repeat;
    this.processRuns = processRuns;
    this.dir = dir;
    this.launcher = launcher;
  }

  public static void main(String[] args) throws Exception {
    int rows = 1_000_000;
    int repeat = 15;
    int processRuns = 3;
    Path dir = null;
    Path launcher = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(args[++i]);
        case "--repeat" -> repeat = Integer.parseInt(args[++i]);
        case "--process-runs" -> processRuns = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        case "--launcher" -> launcher = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("usage: QueryBench [--rows N] [--repeat N] [--process-runs N] "
            + "[--launcher bin/metadb] [--dir DIR] (unknown: " + args[i] + ")");
      }
    }
    if (dir == null) {
      dir = Files.createTempDirectory("metadb-querybench");
    }
    if (processRuns > 0 && launcher == null) {
      throw new IllegalArgumentException("--process-runs needs --launcher (the bin/metadb that users run)");
    }
    new QueryBench(rows, repeat, processRuns, dir, launcher).run();
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
        FileTrees.delete(home.snapshotsDir());
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

    ProcessFigures processes = processRuns > 0 ? measureProcesses(home) : null;
    report(first, repeated, afterAppend, rebuild, direct, processes);
  }
  private static double time(QueryEngine engine) throws QueryException {
    long start = System.nanoTime();
    engine.query(SQL, TimeWindow.ALL, ResultFormat.CSV, OutputStream.nullOutputStream());
    return (System.nanoTime() - start) / 1e6;
  }

  /** Whole-process figures, each a list over the interleaved rounds. */
  private record ProcessFigures(ProcessTimer.Run first, List<ProcessTimer.Run> grouped, List<ProcessTimer.Run> python,
      List<ProcessTimer.Run> selectOne, List<ProcessTimer.Run> status, int killedRuns, List<String> tmpFilesLeft,
      List<String> nativeLibraries) {}

  /**
   * The files DuckDB's and sqlite-jdbc's native libraries are mapped from in {@code process}
   * ({@code /proc/PID/maps}; the launcher execs the JVM, so the PID is the JVM's), polled until
   * both are there or the process ends.
   */
  private static List<String> nativeLibrariesOnceLoaded(Process process) throws IOException, InterruptedException {
    Path maps = Path.of("/proc", Long.toString(process.pid()), "maps");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    List<String> found = List.of();
    while (process.isAlive() && System.nanoTime() < deadline) {
      try (Stream<String> lines = Files.lines(maps)) {
        found = lines.map(line -> line.substring(line.indexOf('/') < 0 ? line.length() : line.indexOf('/')))
            .filter(file -> file.contains("libduckdb_java") || file.contains("sqlitejdbc")).distinct().sorted().toList();
      } catch (IOException | java.io.UncheckedIOException e) {
        break;
      }
      if (found.size() >= 2) {
        break;
      }
      Thread.sleep(20);
    }
    return found;
  }

  /**
   * Whole processes as a user runs them, in interleaved rounds (the machine's drift hits every
   * side alike): {@code bin/metadb query} of the grouped SQL against python3's sqlite3 running the
   * same SQL on meta.db, and {@code metadb query "SELECT 1"} against {@code metadb status}. Every
   * metadb process gets a private, empty {@code java.io.tmpdir}; after all of them, one of them
   * killed with SIGKILL mid-query, the directory must still be empty (no native library unpacked).
   */
  private ProcessFigures measureProcesses(Home home) throws IOException, InterruptedException {
    Path tmp = Files.createDirectories(dir.resolve("process-tmp"));
    Path log = dir.resolve("processes.log");
    Map<String, String> env = Map.of("METADB_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp);
    String metaDb = home.metaDb().toString();
    List<String> grouped = metadb("query", "--home", home.dir().toString(), "--format", "csv", SQL);
    List<String> python = List.of("python3", "-c", PYTHON_SQLITE, metaDb, SQL);
    List<String> selectOne = metadb("query", "--home", home.dir().toString(), "SELECT 1");
    List<String> status = metadb("status", "--home", home.dir().toString());

    progress("whole processes: one untimed run of each (the launcher makes its class-data archive once per build)");
    for (List<String> command : List.of(selectOne, status, python)) {
      check(ProcessTimer.run(command, env, log, 10), command, log);
    }
    FileTrees.delete(home.snapshotsDir());
    ProcessTimer.Run first = check(ProcessTimer.run(grouped, env, log, 10), grouped, log);
    List<ProcessTimer.Run> g = new ArrayList<>();
    List<ProcessTimer.Run> p = new ArrayList<>();
    List<ProcessTimer.Run> s1 = new ArrayList<>();
    List<ProcessTimer.Run> st = new ArrayList<>();
    progress("whole processes: %d interleaved rounds of metadb query, python3 sqlite3, SELECT 1, status", processRuns);
    for (int i = 0; i < processRuns; i++) {
      g.add(check(ProcessTimer.run(grouped, env, log, 10), grouped, log));
      p.add(check(ProcessTimer.run(python, env, log, 10), python, log));
      s1.add(check(ProcessTimer.run(selectOne, env, log, 10), selectOne, log));
      st.add(check(ProcessTimer.run(status, env, log, 10), status, log));
    }
    progress("a metadb query killed with SIGKILL once it has loaded both native libraries");
    FileTrees.delete(home.snapshotsDir());
    ProcessBuilder killed = new ProcessBuilder(grouped).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    killed.environment().putAll(env);
    Process victim = killed.start();
    List<String> natives = nativeLibrariesOnceLoaded(victim);
    victim.destroyForcibly().waitFor();
    List<String> left;
    try (Stream<Path> files = Files.walk(tmp)) {
      left = files.filter(f -> !f.equals(tmp)).map(f -> tmp.relativize(f).toString()).sorted().toList();
    }
    return new ProcessFigures(first, g, p, s1, st, 1, left, natives);
  }

  /** The python3 side: sqlite3 (the standard library's), read-only, every row printed as CSV. */
  private static final String PYTHON_SQLITE = "import sqlite3, sys\n"
      + "c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)\n"
      + "for row in c.execute(sys.argv[2]):\n"
      + "    print(*row, sep=',')\n";

  private List<String> metadb(String... args) {
    List<String> command = new ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    return command;
  }

  private static ProcessTimer.Run check(ProcessTimer.Run run, List<String> command, Path log) throws IOException {
    if (run.exit() != 0) {
      throw new IOException("exit " + run.exit() + " from " + String.join(" ", command) + ":\n" + BenchContext.tail(log, 20));
    }
    return run;
  }

  private void report(double first, List<Double> repeated, List<Double> afterAppend, List<Double> rebuild,
      List<Double> direct, ProcessFigures processes) throws IOException {
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
      if (processes != null) {
        json.writeObjectFieldStart("process_ms");
        json.writeNumberField("first_build", round(processes.first().wallMs()));
        json.writeNumberField("first_build_cpu", round(processes.first().cpuMs()));
        processSummary(json, "repeated", processes.grouped());
        processSummary(json, "python3_sqlite3", processes.python());
        processSummary(json, "select_1", processes.selectOne());
        processSummary(json, "status", processes.status());
        json.writeEndObject();
        json.writeObjectFieldStart("process_ratios");
        pairRatios(json, "repeated_over_python3", processes.grouped(), processes.python());
        pairRatios(json, "select_1_over_status", processes.selectOne(), processes.status());
        json.writeEndObject();
        json.writeNumberField("killed_runs", processes.killedRuns());
        json.writeArrayFieldStart("native_libraries_mapped_from");
        for (String file : processes.nativeLibraries()) {
          json.writeString(file);
        }
        json.writeEndArray();
        json.writeArrayFieldStart("tmpdir_files_left");
        for (String file : processes.tmpFilesLeft()) {
          json.writeString(file);
        }
        json.writeEndArray();
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

  private static void processSummary(JsonGenerator json, String name, List<ProcessTimer.Run> runs) throws IOException {
    summary(json, name, runs.stream().map(ProcessTimer.Run::wallMs).toList());
    summary(json, name + "_cpu", runs.stream().map(ProcessTimer.Run::cpuMs).toList());
  }

  /** The median over rounds of {@code a[i] / b[i]}, for wall and for CPU time. */
  private static void pairRatios(JsonGenerator json, String name, List<ProcessTimer.Run> a, List<ProcessTimer.Run> b)
      throws IOException {
    List<Double> wall = new ArrayList<>();
    List<Double> cpu = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      wall.add(a.get(i).wallMs() / b.get(i).wallMs());
      cpu.add(a.get(i).cpuMs() / b.get(i).cpuMs());
    }
    json.writeObjectFieldStart(name);
    json.writeNumberField("wall", Math.round(percentile(wall, 50) * 100) / 100.0);
    json.writeNumberField("cpu", Math.round(percentile(cpu, 50) * 100) / 100.0);
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

  private static void progress(String format, Object... args) {
    System.err.println("query-bench: " + String.format(format, args));
  }

  private static void progress(String line) {
    System.err.println("query-bench: " + line);
  }
}
