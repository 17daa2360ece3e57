package dev.metadb.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Issue 5's large-table figures, measured by the query stage's own {@code QueryBench} main (run
 * here in a child JVM with metadb's flags): a grouped aggregate over a clone_dispatches table of
 * N rows, first and repeated, inside the process and as whole {@code metadb query} processes,
 * against a full re-snapshot (the same query reading its columns from SQLite every time) and a
 * snapshot rebuilt from nothing. Its JSON report is turned into this table.
 */
final class QueryScaleBench implements Benchmark {
  @Override
  public String name() {
    return "query";
  }

  /** One row: where the figure is in QueryBench's report, and what to call it. */
  private record Case(String label, String section, String key) {}

  private static final List<Case> CASES = List.of(
      new Case("in-process: first query (builds the snapshot)", "in_process_ms", "first_build"),
      new Case("in-process: repeated (snapshot current)", "in_process_ms", "repeated"),
      new Case("in-process: after appending 1,000 rows (snapshot extended)", "in_process_ms", "after_append_1000"),
      new Case("baseline: full re-snapshot from SQLite every query", "in_process_ms", "baseline_full_resnapshot_direct"),
      new Case("baseline: snapshot rebuilt from nothing", "in_process_ms", "baseline_rebuild_snapshot"),
      new Case("`metadb query` process: first (builds the snapshot)", "process_ms", "first_build"),
      new Case("`metadb query` process: repeated", "process_ms", "repeated"));

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    BenchConfig cfg = ctx.config();
    int rows = cfg.quick() ? cfg.throughputEvents() : 1_000_000;
    var t = ResultTable.builder("query-1m", "Query over a large table: first, repeated, and against a full re-snapshot")
        .description("Issue 5 (`QueryBench`): `SELECT agent, avg(exit_code), count(*) FROM clone_dispatches GROUP BY agent` "
            + "over " + rows + " rows. Each in-process figure is one whole `QueryEngine.query` call (open meta.db "
            + "read-only, refresh or read the Arrow snapshot, DuckDB, format the result); process figures are whole "
            + "`metadb query` JVMs. **Baseline:** a full re-snapshot (the query reads its columns from SQLite every "
            + "time, `SnapshotMode.DIRECT`) and a snapshot rebuilt from nothing.")
        .columns("Case", "Samples", "Median ms", "P95 ms", "Max ms", "Median vs full re-snapshot");
    // A whole `metadb query` JVM takes seconds (DuckDB's native library): quick runs skip them.
    int processRuns = cfg.quick() ? 0 : 3;
    System.err.printf("  QueryBench --rows %d --process-runs %d%n", rows, processRuns);
    Path dir = ctx.freshDir("query");
    Path stdout = dir.resolveSibling(dir.getFileName() + ".json");
    Path log = ctx.logFile("query-bench");
    try {
      Process p = JvmLauncher.start(ctx.jvm().command(QueryBench.class.getName(), List.of("--rows", Integer.toString(rows),
          "--repeat", Integer.toString(cfg.quick() ? 2 : 15), "--process-runs", Integer.toString(processRuns),
          "--dir", dir.toString())), stdout, log);
      if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("QueryBench failed:\n" + BenchContext.tail(log, 20));
      }
      JsonNode report = WriterReport.JSON.readTree(stdout.toFile());
      double baseline = median(report, "in_process_ms", "baseline_full_resnapshot_direct");
      List<String> categories = new ArrayList<>();
      double[] medians = new double[CASES.size()];
      for (int i = 0; i < CASES.size(); i++) {
        Case c = CASES.get(i);
        JsonNode node = report.path(c.section()).get(c.key());
        medians[i] = Double.NaN;
        if (node == null) {
          t.row(c.label(), "not run", "", "", "", "");
          continue;
        }
        if (node.isNumber()) {
          medians[i] = node.doubleValue();
          t.row(c.label(), "1", Cells.ms(medians[i]), "", "", Cells.ratio(medians[i], baseline));
        } else {
          medians[i] = field(node, "median");
          t.row(c.label(), Cells.count((long) field(node, "samples")), Cells.ms(medians[i]), Cells.ms(field(node, "p95")),
              Cells.ms(field(node, "max")), Cells.ratio(medians[i], baseline));
        }
        categories.add(c.label().replace("`", ""));
      }
      if (processRuns == 0) {
        t.note("`metadb query` processes not run: skipped in --quick runs.");
      }
      double repeated = median(report, "in_process_ms", "repeated");
      double rebuild = median(report, "in_process_ms", "baseline_rebuild_snapshot");
      t.note("Target (issue 5), repeated grouped aggregate under 200 ms inside the process: " + Cells.ms(repeated) + " ms: "
          + Cells.verdict(repeated < 200) + ".");
      t.note("Target (issue 5), repeated at least 5x faster than a full re-snapshot: the full re-snapshot takes "
          + Cells.ratio(baseline, repeated) + " the repeated query's time (a rebuilt snapshot " + Cells.ratio(rebuild, repeated)
          + "): " + Cells.verdict(Math.min(baseline, rebuild) / repeated >= 5) + ".");
      var series = Charts.series();
      series.put("median ms", Arrays.stream(medians).filter(m -> !Double.isNaN(m)).toArray());
      Charts.bars(ctx.dataDir().resolve("query-1m.png"), "Grouped aggregate over " + rows + " rows", "median ms (log scale)",
          categories, series, true);
      return List.of(t.chart("query-1m.png").build());
    } finally {
      BenchContext.deleteTree(dir);
      Files.deleteIfExists(stdout);
    }
  }

  private static double median(JsonNode report, String section, String key) throws IOException {
    JsonNode node = report.path(section).get(key);
    if (node == null) {
      throw new IOException("QueryBench report has no " + section + "." + key + ": " + report);
    }
    return field(node, "median");
  }

  private static double field(JsonNode node, String name) throws IOException {
    JsonNode value = node.get(name);
    if (value == null || !value.isNumber()) {
      throw new IOException("QueryBench report has no number '" + name + "' in " + node);
    }
    return value.doubleValue();
  }
}
