package dev.metadb.bench;

import dev.metadb.event.Table;
import dev.metadb.writer.FileTrees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 13's steady-state table, where the design must shine: N long-lived writer processes, warmed
 * up (untimed writes first), each writing as fast as it can for a fixed time, through {@code
 * MetaDb} and through direct SQLite (the seed's autocommit insert per event, WAL, busy_timeout
 * 10 s). Per write: p50/p99/p99.9/max over every timed write of every writer; aggregate events/s =
 * timed writes / timed seconds. For metadb the ingester runs throughout; after the writers exit
 * the harness waits for the drain and checks that meta.db holds exactly the events the writers
 * were told were stored (warm-up writes included), once each: {@code event_id} is UNIQUE, so the
 * row count equal to the stored count means every event is there and none twice.
 */
final class SteadyStateBench implements Benchmark {
  private static final List<Table> TABLES = List.of(Table.MESSAGES);

  @Override
  public String name() {
    return "steady";
  }

  private record Run(SinkKind kind, int writers, WriterFleet.Result result, long landed, double drainMs, long ingesterRss) {
    double eventsPerSecond(BenchConfig cfg) {
      return result.attempted() / (cfg.steadyMillis() / 1000.0);
    }

    boolean exactlyOnce() {
      return landed == result.stored() && result.failed() == 0 && result.spooled() == 0;
    }
  }

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    List<Run> runs = new ArrayList<>();
    for (int writers : ctx.config().steadyWriterCounts()) {
      runs.add(runOnce(ctx, SinkKind.DIRECT_SQLITE, writers));
      runs.add(runOnce(ctx, SinkKind.METADB, writers));
    }
    return List.of(table(ctx, runs));
  }

  private Run runOnce(BenchContext ctx, SinkKind kind, int writers) throws Exception {
    BenchConfig cfg = ctx.config();
    System.err.printf("  %s x %d writers, %d ms warm-up + %d ms as fast as they can%n", kind.label, writers,
        cfg.steadyWarmupMillis(), cfg.steadyMillis());
    Path home = ctx.freshDir("steady-" + kind.cliName + "-" + writers);
    List<String> args = List.of("--mode", "writes", "--sink", kind.cliName, "--home", home.toString(),
        "--tables", "messages", "--warmup-ms", Long.toString(cfg.steadyWarmupMillis()),
        "--duration-ms", Long.toString(cfg.steadyMillis()));
    try {
      if (kind == SinkKind.METADB) {
        try (IngesterProcess ingester = IngesterProcess.start(ctx, home)) {
          WriterFleet.Result result = WriterFleet.start(ctx, "steady-metadb", writers, k -> args).await(Duration.ofMinutes(10));
          long done = ingester.awaitRows(TABLES, result.stored(), Duration.ofMinutes(5));
          long landed = ingester.rows().count(TABLES);
          return new Run(kind, writers, result, landed, done < 0 ? Double.NaN : (done - result.endNanos()) / 1e6,
              ingester.peakRssBytes());
        }
      }
      SeedDatabase.openForWriting(home.resolve("meta.db")).close();
      WriterFleet.Result result = WriterFleet.start(ctx, "steady-sqlite", writers, k -> args).await(Duration.ofMinutes(10));
      try (RowCounter rows = RowCounter.await(home.resolve("meta.db"), Duration.ofSeconds(10), null)) {
        return new Run(kind, writers, result, rows.count(TABLES), Double.NaN, -1);
      }
    } finally {
      FileTrees.delete(home);
    }
  }

  private static ResultTable table(BenchContext ctx, List<Run> runs) {
    BenchConfig cfg = ctx.config();
    var t = ResultTable.builder("steady-state", "Steady state: long-lived writers as fast as they can")
        .description("Issue 13: N writer processes (separate JVMs, started together), each first writing `messages` "
            + "events untimed for " + cfg.steadyWarmupMillis() / 1000.0 + " s (warm-up), then as fast as it can for "
            + cfg.steadyMillis() / 1000.0 + " s, each write timed inside the writer. *Events/s* = timed writes of all "
            + "writers / " + cfg.steadyMillis() / 1000.0 + " s. **Baseline:** " + SinkKind.DIRECT_SQLITE.label + ", "
            + SinkKind.DIRECT_SQLITE.description + ". **metadb:** " + SinkKind.METADB.description + "; the ingester "
            + "runs throughout; *drain* is last writer exit to last row committed; *exactly once*: rows in meta.db = "
            + "writes acknowledged as stored (warm-up included), nothing spooled or failed (event_id is UNIQUE, so "
            + "equal counts mean every event once). *Ingester RSS* is its peak resident set (VmHWM).")
        .columns("Topology", "Writers", "Timed writes", "Events/s", "P50 us", "P99 us", "P99.9 us", "Max ms",
            "Rows landed", "Exactly once", "Drain ms", "Ingester RSS MiB", "P99 vs baseline", "Events/s vs baseline");
    for (Run run : runs) {
      Run base = find(runs, SinkKind.DIRECT_SQLITE, run.writers());
      LatencyStats s = run.result().latency();
      LatencyStats b = base.result().latency();
      boolean isBase = run == base;
      t.row(run.kind().label, Cells.count(run.writers()), Cells.count(run.result().attempted()),
          Cells.count(Math.round(run.eventsPerSecond(cfg))), us(s.medianMs()), us(s.p99Ms()), us(s.p999Ms()),
          Cells.ms(s.maxMs()), Cells.count(run.landed()), run.exactlyOnce() ? "yes" : "**no**", Cells.ms(run.drainMs()),
          PeakRss.mib(run.ingesterRss()), isBase ? "1x" : Cells.ratio(s.p99Ms(), b.p99Ms()),
          isBase ? "1x" : Cells.ratio(run.eventsPerSecond(cfg), base.eventsPerSecond(cfg)));
      if (run.result().firstError() != null) {
        t.note(run.kind().label + " at " + run.writers() + " writers, first error: `" + run.result().firstError() + "`");
      }
    }
    t.note("Every event in meta.db exactly once, both topologies: " + Cells.verdict(runs.stream().allMatch(Run::exactlyOnce)) + ".");
    int max = cfg.steadyWriterCounts().get(cfg.steadyWriterCounts().size() - 1);
    Run base = find(runs, SinkKind.DIRECT_SQLITE, max);
    Run meta = find(runs, SinkKind.METADB, max);
    double p99 = meta.result().latency().p99Ms() / base.result().latency().p99Ms();
    double rate = meta.eventsPerSecond(cfg) / base.eventsPerSecond(cfg);
    t.note("Target (issue 13), at " + max + " writers metadb's p99 at least 100x lower than the baseline's: "
        + Cells.ratio(meta.result().latency().p99Ms(), base.result().latency().p99Ms()) + " of it: "
        + Cells.verdict(p99 <= 0.01) + ".");
    t.note("Target (issue 13), at " + max + " writers metadb's aggregate events/s at least 10x the baseline's: "
        + Cells.ratio(meta.eventsPerSecond(cfg), base.eventsPerSecond(cfg)) + ": " + Cells.verdict(rate >= 10) + ".");
    t.note("P99.9 at " + max + " writers: metadb " + us(meta.result().latency().p999Ms()) + " us, baseline "
        + us(base.result().latency().p999Ms()) + " us (" + Cells.ratio(meta.result().latency().p999Ms(),
        base.result().latency().p999Ms()) + ").");
    t.note("Load average when the table was written: " + RunInfo.loadAverage() + ".");
    return t.build();
  }

  private static String us(double ms) {
    return Double.isNaN(ms) ? "" : String.format("%.1f", ms * 1000);
  }

  private static Run find(List<Run> runs, SinkKind kind, int writers) {
    return runs.stream().filter(r -> r.kind() == kind && r.writers() == writers).findFirst().orElseThrow();
  }
}
