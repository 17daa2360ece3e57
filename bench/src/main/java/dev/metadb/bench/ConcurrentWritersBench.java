package dev.metadb.bench;

import dev.metadb.event.Table;
import dev.metadb.writer.FileTrees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The seed's first table: 1/4/8/16/32 writer processes started together, 500 writes each, on both
 * topologies. Per write: median, p95, p99 over every write of every writer. Wall: first JVM start
 * to last exit. For metadb the ingester runs throughout (started first, on the same machine) and
 * the harness then waits for the drain: rows counted in meta.db, drain time from the last writer's
 * exit to the last row committed. For the baseline the rows are counted after the writers exit.
 */
final class ConcurrentWritersBench implements Benchmark {
  private static final List<Table> TABLES = List.of(Table.MESSAGES);

  @Override
  public String name() {
    return "writers";
  }

  /** One topology at one writer count. */
  private record Run(SinkKind kind, int writers, WriterFleet.Result result, long landed, double drainMs) {}

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    BenchConfig cfg = ctx.config();
    List<Run> runs = new ArrayList<>();
    for (int writers : cfg.writerCounts()) {
      runs.add(runOnce(ctx, SinkKind.DIRECT_SQLITE, writers));
      runs.add(runOnce(ctx, SinkKind.METADB, writers));
    }
    return List.of(table(ctx, runs));
  }

  private Run runOnce(BenchContext ctx, SinkKind kind, int writers) throws Exception {
    System.err.printf("  %s x %d writers x %d writes%n", kind.label, writers, ctx.config().writesPerWriter());
    Path home = ctx.freshDir("writers-" + kind.cliName + "-" + writers);
    List<String> args = List.of("--mode", "writes", "--sink", kind.cliName, "--home", home.toString(),
        "--count", Integer.toString(ctx.config().writesPerWriter()), "--tables", "messages");
    try {
      if (kind == SinkKind.METADB) {
        try (IngesterProcess ingester = IngesterProcess.start(ctx, home)) {
          WriterFleet.Result result = WriterFleet.start(ctx, "writers-metadb", writers, k -> args).await(Duration.ofMinutes(10));
          long done = ingester.awaitRows(TABLES, result.stored(), Duration.ofSeconds(120));
          long landed = ingester.rows().count(TABLES);
          return new Run(kind, writers, result, landed, done < 0 ? Double.NaN : (done - result.endNanos()) / 1e6);
        }
      }
      WriterFleet.Result result = WriterFleet.start(ctx, "writers-sqlite", writers, k -> args).await(Duration.ofMinutes(10));
      try (RowCounter rows = RowCounter.await(home.resolve("meta.db"), Duration.ofSeconds(10), null)) {
        return new Run(kind, writers, result, rows.count(TABLES), Double.NaN);
      }
    } finally {
      FileTrees.delete(home);
    }
  }

  private static ResultTable table(BenchContext ctx, List<Run> runs) throws Exception {
    var t = ResultTable.builder("concurrent-writers", "Concurrent writers")
        .description("The seed's table: writer processes (separate JVMs, started together) x "
            + ctx.config().writesPerWriter() + " writes each of one `messages` event. Per-write latency is timed "
            + "inside each writer around each call; the writers open their sinks, then start writing together "
            + "(a start barrier), so a write contends with the other writes, not with JVMs still starting up; "
            + "wall is first JVM start to last exit (JVM start-up, the open and the barrier included). **Baseline:** " + SinkKind.DIRECT_SQLITE.label + ", " + SinkKind.DIRECT_SQLITE.description
            + ". **metadb:** " + SinkKind.METADB.description + "; the ingester starts before the writers; "
            + "*landed* counts rows in meta.db, *drain* is last writer exit to last row committed. "
            + "*Successful* = stored + spooled (a spooled write lands through replay).")
        .columns("Topology", "Writers", "Attempted", "Successful", "Spooled", "Failed", "Median ms", "P95 ms",
            "P99 ms", "Wall ms", "Lock errors", "Rows landed", "Drain ms", "P95 vs baseline", "Wall vs baseline");
    List<Integer> counts = ctx.config().writerCounts();
    Map<String, double[]> latency = Charts.series();
    Map<String, double[]> wall = Charts.series();
    for (SinkKind kind : List.of(SinkKind.DIRECT_SQLITE, SinkKind.METADB)) {
      latency.put(kind.label + " p50", new double[counts.size()]);
      latency.put(kind.label + " p95", new double[counts.size()]);
      latency.put(kind.label + " p99", new double[counts.size()]);
      wall.put(kind.label, new double[counts.size()]);
    }
    for (Run run : runs) {
      int i = counts.indexOf(run.writers());
      Run base = runs.stream().filter(r -> r.writers() == run.writers() && r.kind() == SinkKind.DIRECT_SQLITE)
          .findFirst().orElseThrow();
      WriterFleet.Result r = run.result();
      LatencyStats s = r.latency();
      LatencyStats b = base.result().latency();
      double wallMs = r.wallNanos() / 1e6;
      double baseWallMs = base.result().wallNanos() / 1e6;
      boolean isBase = run.kind() == SinkKind.DIRECT_SQLITE;
      t.row(run.kind().label, Cells.count(run.writers()), Cells.count(r.attempted()),
          Cells.count(r.stored() + r.spooled()), Cells.count(r.spooled()), Cells.count(r.failed()),
          Cells.ms(s.medianMs()), Cells.ms(s.p95Ms()), Cells.ms(s.p99Ms()), Cells.ms(wallMs),
          Cells.count(r.lockErrors()), Cells.count(run.landed()), Cells.ms(run.drainMs()),
          isBase ? "1x" : Cells.ratio(s.p95Ms(), b.p95Ms()), isBase ? "1x" : Cells.ratio(wallMs, baseWallMs));
      latency.get(run.kind().label + " p50")[i] = s.medianMs();
      latency.get(run.kind().label + " p95")[i] = s.p95Ms();
      latency.get(run.kind().label + " p99")[i] = s.p99Ms();
      wall.get(run.kind().label)[i] = wallMs;
      if (r.firstError() != null) {
        t.note(run.kind().label + " at " + run.writers() + " writers, first error: `" + r.firstError() + "`");
      }
    }
    targets(t, runs, counts);
    double[] x = counts.stream().mapToDouble(Integer::doubleValue).toArray();
    Charts.lines(ctx.dataDir().resolve("concurrent-writers-latency.png"), "Per-write latency by writer count",
        "writer processes", "ms per write (log scale)", x, latency, true);
    Charts.lines(ctx.dataDir().resolve("concurrent-writers-wall.png"), "Wall time: first JVM start to last exit",
        "writer processes", "wall ms", x, wall, false);
    return t.chart("concurrent-writers-latency.png").chart("concurrent-writers-wall.png").build();
  }

  /** The targets, each read from this run's rows. */
  private static void targets(ResultTable.Builder t, List<Run> runs, List<Integer> counts) {
    for (Run run : runs) {
      if (run.landed() != run.result().attempted()) {
        t.note("Every write lands (" + run.kind().label + ", " + run.writers() + " writers): " + Cells.verdict(false) + ": "
            + run.landed() + " of " + run.result().attempted() + " rows in meta.db.");
      }
    }
    boolean allLanded = runs.stream().allMatch(r -> r.landed() == r.result().attempted());
    t.note("Target, every write lands in meta.db for both topologies: " + Cells.verdict(allLanded) + ".");
    int max = counts.get(counts.size() - 1);
    Run base = find(runs, SinkKind.DIRECT_SQLITE, max);
    Run meta = find(runs, SinkKind.METADB, max);
    double ratio = meta.result().latency().p95Ms() / base.result().latency().p95Ms();
    t.note("Target, metadb p95 at least 100x lower than the baseline's at " + max + " writers: metadb p95 is "
        + Cells.ratio(meta.result().latency().p95Ms(), base.result().latency().p95Ms()) + " of the baseline's: "
        + Cells.verdict(ratio <= 0.01) + ".");
    List<String> worse = new ArrayList<>();
    for (int n : counts) {
      Run b = find(runs, SinkKind.DIRECT_SQLITE, n);
      Run m = find(runs, SinkKind.METADB, n);
      if (m.result().wallNanos() > b.result().wallNanos()) {
        worse.add(n + " writers (" + Cells.ratio(m.result().wallNanos(), b.result().wallNanos()) + ")");
      }
    }
    t.note("Target, metadb wall time no worse than the baseline's at every writer count: "
        + Cells.verdict(worse.isEmpty()) + (worse.isEmpty() ? "." : ": slower at " + String.join(", ", worse) + "."));
  }

  private static Run find(List<Run> runs, SinkKind kind, int writers) {
    return runs.stream().filter(r -> r.kind() == kind && r.writers() == writers).findFirst().orElseThrow();
  }
}
