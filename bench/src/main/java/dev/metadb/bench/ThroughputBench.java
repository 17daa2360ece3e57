package dev.metadb.bench;

import dev.metadb.event.Table;
import dev.metadb.writer.FileTrees;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Issue 3's throughput: the ingester draining a pre-filled queue of N mixed events (all 16 tables)
 * and the same events in an inbox file, against the raw sqlite-jdbc batched insert of the same N
 * rows ({@link RawInsertCeiling}), on the same disk.
 *
 * <p>Each is timed inside its own JVM, start-up excluded: the ceiling around its inserts
 * ({@link RawInsertCeiling}), the ingester around {@code drain()} ({@link IngestDrainProbe}), the
 * work {@code metadb ingest --once} does. Wall and CPU time (every thread of the JVM) both.
 *
 * <p>ROUNDS. On a shared two-core machine one draw says little: each round times the ceiling and
 * both ingest paths afresh, one after the other, and each ratio is against the ceiling of the
 * same round. The first table gives medians and the spread of the per-round ratios; the second,
 * each round with the load average at its start, so a slow round can be matched to a busy
 * machine. CPU time is the steadier figure (it does not count waiting for a core).
 */
final class ThroughputBench implements Benchmark {
  private static final String[] PATHS = {
    "raw sqlite-jdbc batched insert (ceiling)", "metadb ingest: queue -> meta.db", "metadb ingest: inbox file -> meta.db"};

  @Override
  public String name() {
    return "throughput";
  }

  /** One round: the ceiling, the queue drain and the inbox drain, and the load at its start. */
  private record Round(String load, ThroughputReport raw, ThroughputReport queue, ThroughputReport inbox) {
    ThroughputReport path(int i) {
      return i == 0 ? raw : i == 1 ? queue : inbox;
    }

    double wallRatio(int i) {
      return path(i).perSecond() / raw.perSecond();
    }

    double cpuRatio(int i) {
      return (double) raw.cpuNanos() / path(i).cpuNanos();
    }
  }

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    int events = ctx.config().throughputEvents();
    List<Round> rounds = new ArrayList<>();
    for (int r = 1; r <= ctx.config().throughputRounds(); r++) {
      System.err.printf("  round %d of %d%n", r, ctx.config().throughputRounds());
      String load = RunInfo.loadAverage();
      rounds.add(new Round(load, raw(ctx, events),
          ingest(ctx, events, QueuePrefill.class, PATHS[1]), ingest(ctx, events, InboxPrefill.class, PATHS[2])));
    }
    return List.of(summary(ctx, rounds), perRound(rounds));
  }

  private static ThroughputReport raw(BenchContext ctx, int events) throws Exception {
    System.err.printf("  raw sqlite-jdbc batched insert of %d rows%n", events);
    Path dir = ctx.freshDir("raw");
    Path report = dir.resolve("report.json");
    Path log = ctx.logFile("raw");
    try {
      JvmLauncher.runToEnd(ctx.jvm().command(RawInsertCeiling.class.getName(), List.of(
          "--db", dir.resolve("meta.db").toString(), "--count", Integer.toString(events),
          "--batch", Integer.toString(ctx.config().rawBatchSize()), "--report", report.toString())), log, "raw insert");
      try (RowCounter rows = RowCounter.await(dir.resolve("meta.db"), Duration.ofSeconds(10), null)) {
        long landed = rows.count(Arrays.asList(Table.values()));
        if (landed != events) {
          throw new IOException("raw insert: " + landed + " rows of " + events);
        }
      }
      return ThroughputReport.read(report);
    } finally {
      FileTrees.delete(dir);
    }
  }

  private static ThroughputReport ingest(BenchContext ctx, int events, Class<?> prefill, String stage) throws Exception {
    System.err.printf("  %s: pre-filling with %d events%n", stage, events);
    Path home = ctx.freshDir("ingest");
    try {
      QueuePrefill.fill(ctx, prefill, home, events);
      return IngestDrainProbe.measure(ctx, home, "ingest", events);
    } finally {
      FileTrees.delete(home);
    }
  }

  private static double median(List<Round> rounds, ToDoubleFunction<Round> f) {
    return LatencyStats.median(rounds.stream().mapToDouble(f).toArray());
  }

  private static String spread(List<Round> rounds, ToDoubleFunction<Round> ratio) {
    DoubleSummaryStatistics s = rounds.stream().mapToDouble(ratio).summaryStatistics();
    return Cells.ratio(s.getMin(), 1) + " / " + Cells.ratio(median(rounds, ratio), 1) + " / " + Cells.ratio(s.getMax(), 1);
  }

  private static ResultTable summary(BenchContext ctx, List<Round> rounds) throws IOException {
    int events = ctx.config().throughputEvents();
    int n = rounds.size();
    var t = ResultTable.builder("ingest-throughput", "Ingest throughput against the raw SQLite ceiling")
        .description("Issues 3 and 13: " + events + " mixed events (all 16 tables, time-ordered ids), " + n + (n == 1 ? " round. " : " rounds. ")
            + "**Baseline (ceiling):** the same rows inserted through sqlite-jdbc as fast as it goes, prepared "
            + "`INSERT OR IGNORE` per table, " + ctx.config().rawBatchSize() + " rows per `BEGIN IMMEDIATE` transaction, "
            + "into a file created as meta.db is (`MetaDatabase.open`: same tables and indexes, WAL, synchronous=NORMAL, "
            + "auto_vacuum=INCREMENTAL), rows built outside the timed section. **metadb:** the same events pre-filled into "
            + "a writer slot's queue, drained by the ingester (`Ingester.drain()`, what `metadb ingest --once` runs: read the "
            + "queue, decode, validate, insert, checkpoint in the same transaction, default batch of 1000); and the same "
            + "events pre-filled into one inbox file (`inbox/bench-DATE.jsonl`, each record framed as `Inbox` writes it), "
            + "drained the same way (read lines, decode, validate, insert, ledger offset in the same transaction). Each round "
            + "times all three, one after the other; every ratio is against the ceiling of its own round. CPU is the JVM's "
            + "(all threads) over the timed span.")
        .columns("Path", "Events", "Median s", "Median events/s", "Median CPU s",
            "vs ceiling, wall (min / median / max)", "vs ceiling, CPU (median)");
    for (int i = 0; i < PATHS.length; i++) {
      int p = i;
      t.row(PATHS[i], Cells.count(events), Cells.ms(median(rounds, r -> r.path(p).nanos() / 1e9)),
          Cells.rate(median(rounds, r -> r.path(p).perSecond())), Cells.ms(median(rounds, r -> r.path(p).cpuNanos() / 1e9)),
          i == 0 ? "1x" : spread(rounds, r -> r.wallRatio(p)), i == 0 ? "1x" : Cells.ratio(median(rounds, r -> r.cpuRatio(p)), 1));
    }
    double queueMin = rounds.stream().mapToDouble(r -> r.wallRatio(1)).min().orElse(Double.NaN);
    double inboxMin = rounds.stream().mapToDouble(r -> r.wallRatio(2)).min().orElse(Double.NaN);
    t.note("Target (issue 3), ingest at least 0.6x the raw ceiling: median " + Cells.ratio(median(rounds, r -> r.wallRatio(1)), 1)
        + ": " + Cells.verdict(median(rounds, r -> r.wallRatio(1)) >= 0.6) + ".");
    t.note("Target (issue 12), inbox ingest at least 0.8x the raw ceiling: median " + Cells.ratio(median(rounds, r -> r.wallRatio(2)), 1)
        + ": " + Cells.verdict(median(rounds, r -> r.wallRatio(2)) >= 0.8) + ".");
    t.note("Target (issue 13), at least 0.85x the raw ceiling in every round: queue worst round " + Cells.ratio(queueMin, 1)
        + ", inbox worst round " + Cells.ratio(inboxMin, 1) + ": " + Cells.verdict(queueMin >= 0.85 && inboxMin >= 0.85) + ".");
    var series = Charts.series();
    series.put("median events/s", IntStream.range(0, PATHS.length).mapToDouble(i -> median(rounds, r -> r.path(i).perSecond())).toArray());
    Charts.bars(ctx.dataDir().resolve("ingest-throughput.png"), "Ingest throughput", "events/s",
        List.of("raw insert (ceiling)", "ingest: queue", "ingest: inbox"), series, false);
    return t.chart("ingest-throughput.png").build();
  }

  private static ResultTable perRound(List<Round> rounds) {
    var t = ResultTable.builder("ingest-throughput-rounds", "Ingest throughput, round by round")
        .description("Each round of the table above: wall seconds and CPU seconds (all threads) of each path, the ratios "
            + "against that round's ceiling, and the load average (1 / 5 / 15 min) when the round began. On two cores a "
            + "load above 2 means runnable threads wait for a core; wall time then grows while CPU time does not.")
        .columns("Round", "Load at start", "Ceiling s (CPU s)", "Queue s (CPU s)", "Inbox s (CPU s)",
            "Queue vs ceiling, wall", "Inbox vs ceiling, wall", "Queue vs ceiling, CPU", "Inbox vs ceiling, CPU");
    for (int i = 0; i < rounds.size(); i++) {
      Round r = rounds.get(i);
      t.row(Integer.toString(i + 1), r.load(), seconds(r.raw()), seconds(r.queue()), seconds(r.inbox()),
          Cells.ratio(r.wallRatio(1), 1), Cells.ratio(r.wallRatio(2), 1), Cells.ratio(r.cpuRatio(1), 1), Cells.ratio(r.cpuRatio(2), 1));
    }
    return t.build();
  }

  private static String seconds(ThroughputReport r) {
    return Cells.ms(r.nanos() / 1e9) + " (" + Cells.ms(r.cpuNanos() / 1e9) + ")";
  }
}
