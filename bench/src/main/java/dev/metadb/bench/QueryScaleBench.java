package dev.metadb.bench;

import dev.metadb.query.QueryEngine;
import dev.metadb.query.QueryException;
import dev.metadb.query.ResultFormat;
import dev.metadb.query.TimeWindow;
import dev.metadb.writer.FileTrees;
import dev.metadb.writer.Home;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 5's large-table figures: a grouped aggregate over a clone_dispatches table of N rows
 * ({@link DispatchRows}), the first time (the snapshot is built), repeated (the snapshot is only
 * checked and loaded), and after small appends (the snapshot is extended), against the BASELINE
 * measured in the same run: a full re-snapshot (the same query reading its columns from SQLite
 * every time, {@code SnapshotMode.DIRECT}) and a snapshot rebuilt from nothing. Each in-process
 * latency is one whole {@link QueryEngine#query} call in the harness's JVM; whole {@code metadb
 * query} processes, and issue 13's table, come from {@link QueryProcesses}.
 */
final class QueryScaleBench implements Benchmark {
  static final String SQL =
      "SELECT agent, avg(exit_code) AS avg_exit, count(*) AS n FROM clone_dispatches GROUP BY agent ORDER BY agent";

  @Override
  public String name() {
    return "query";
  }

  /** One row of the table: its label and samples (a single sample has no P95 or max). */
  private record Row(String label, LatencyStats stats) {}

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    BenchConfig cfg = ctx.config();
    int rows = cfg.quick() ? cfg.throughputEvents() : 1_000_000;
    int repeat = cfg.quick() ? 2 : 15;
    int rounds = cfg.quick() ? 1 : 7;
    Path dir = ctx.freshDir("query");
    try {
      Home home = new Home(dir.resolve("home"));
      System.err.printf("  creating %,d clone_dispatches rows%n", rows);
      DispatchRows table = DispatchRows.create(home);
      table.append(rows);
      List<Row> figures = inProcess(home, table, repeat);
      QueryProcesses processes = QueryProcesses.measure(ctx, home, dir, rounds);
      figures.add(new Row("`metadb query` process: first (builds the snapshot)", LatencyStats.ofMillis(
          new double[] {processes.first().wallMs()})));
      figures.add(new Row("`metadb query` process: repeated", QueryProcesses.wall(processes.grouped())));
      return List.of(table(ctx, rows, figures), processes.table(rows, rounds));
    } finally {
      FileTrees.delete(dir);
    }
  }

  /** First, repeated, after appends, and the two baselines, in that order. */
  private static List<Row> inProcess(Home home, DispatchRows table, int repeat) throws Exception {
    int baselineRuns = Math.max(3, repeat / 5);
    long[] first = new long[1];
    long[] repeated = new long[repeat];
    long[] afterAppend = new long[repeat];
    long[] rebuild = new long[baselineRuns];
    long[] direct = new long[baselineRuns];
    try (QueryEngine engine = QueryEngine.open(home, QueryEngine.SnapshotMode.INCREMENTAL, QueryScaleBench::progress)) {
      System.err.printf("  first query (builds the snapshot), then %d repeated, %d after appending 1,000 rows each%n",
          repeat, repeat);
      first[0] = time(engine);
      for (int i = 0; i < repeat; i++) {
        repeated[i] = time(engine);
      }
      for (int i = 0; i < repeat; i++) {
        table.append(1_000);
        afterAppend[i] = time(engine);
      }
      System.err.printf("  baselines: snapshot rebuilt from nothing, full re-snapshot (%d each)%n", baselineRuns);
      for (int i = 0; i < baselineRuns; i++) {
        FileTrees.delete(home.snapshotsDir());
        rebuild[i] = time(engine);
      }
    }
    try (QueryEngine engine = QueryEngine.open(home, QueryEngine.SnapshotMode.DIRECT, QueryScaleBench::progress)) {
      for (int i = 0; i < baselineRuns; i++) {
        direct[i] = time(engine);
      }
    }
    return new ArrayList<>(List.of(
        new Row("in-process: first query (builds the snapshot)", LatencyStats.ofNanos(first)),
        new Row("in-process: repeated (snapshot current)", LatencyStats.ofNanos(repeated)),
        new Row("in-process: after appending 1,000 rows (snapshot extended)", LatencyStats.ofNanos(afterAppend)),
        new Row("baseline: full re-snapshot from SQLite every query", LatencyStats.ofNanos(direct)),
        new Row("baseline: snapshot rebuilt from nothing", LatencyStats.ofNanos(rebuild))));
  }

  private static long time(QueryEngine engine) throws QueryException {
    long start = System.nanoTime();
    engine.query(SQL, TimeWindow.ALL, ResultFormat.CSV, OutputStream.nullOutputStream());
    return System.nanoTime() - start;
  }

  private static void progress(String line) {
    System.err.println("  query: " + line);
  }

  private static ResultTable table(BenchContext ctx, int rows, List<Row> figures) throws Exception {
    var t = ResultTable.builder("query-1m", "Query over a large table: first, repeated, and against a full re-snapshot")
        .description("Issue 5: `SELECT agent, avg(exit_code), count(*) FROM clone_dispatches GROUP BY agent` "
            + "over " + rows + " rows. Each in-process figure is one whole `QueryEngine.query` call (open meta.db "
            + "read-only, refresh or read the Arrow snapshot, DuckDB, format the result); process figures are whole "
            + "`metadb query` JVMs. **Baseline:** a full re-snapshot (the query reads its columns from SQLite every "
            + "time, `SnapshotMode.DIRECT`) and a snapshot rebuilt from nothing.")
        .columns("Case", "Samples", "Median ms", "P95 ms", "Max ms", "Median vs full re-snapshot");
    double repeated = figures.get(1).stats().medianMs();
    double baseline = figures.get(3).stats().medianMs();
    double rebuild = figures.get(4).stats().medianMs();
    for (Row r : figures) {
      LatencyStats s = r.stats();
      boolean single = s.count() == 1;
      t.row(r.label(), Cells.count(s.count()), Cells.ms(s.medianMs()), single ? "" : Cells.ms(s.p95Ms()),
          single ? "" : Cells.ms(s.maxMs()), Cells.ratio(s.medianMs(), baseline));
    }
    t.note("Target (issue 5), repeated grouped aggregate under 200 ms inside the process: " + Cells.ms(repeated) + " ms: "
        + Cells.verdict(repeated < 200) + ".");
    t.note("Target (issue 5), repeated at least 5x faster than a full re-snapshot: the full re-snapshot takes "
        + Cells.ratio(baseline, repeated) + " the repeated query's time (a rebuilt snapshot " + Cells.ratio(rebuild, repeated)
        + "): " + Cells.verdict(Math.min(baseline, rebuild) / repeated >= 5) + ".");
    var series = Charts.series();
    series.put("median ms", figures.stream().mapToDouble(r -> r.stats().medianMs()).toArray());
    Charts.bars(ctx.dataDir().resolve("query-1m.png"), "Grouped aggregate over " + rows + " rows", "median ms (log scale)",
        figures.stream().map(r -> r.label().replace("`", "")).toList(), series, true);
    return t.chart("query-1m.png").build();
  }
}
