package dev.metadb.bench;

import dev.metadb.writer.FileTrees;
import dev.metadb.writer.Home;
import java.nio.file.Path;
import java.util.List;

/**
 * Issue 4's replay throughput: the same N mixed events ({@link EventMix}, all 16 tables) pre-filled
 * as queue entries in one home ({@link QueuePrefill#fill}) and written as a finished spool file in
 * another ({@link QueuePrefill#spool}); replay's lines/s against the ingester's events/s on them,
 * each timed inside its own fresh JVM by {@link IngestDrainProbe}, opening and start-up excluded,
 * into an empty meta.db.
 */
final class ReplayThroughputBench implements Benchmark {
  @Override
  public String name() {
    return "replay";
  }

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    int lines = ctx.config().throughputEvents();
    var t = ResultTable.builder("replay-throughput", "Replay throughput against the ingester")
        .description("Issue 4: " + lines + " mixed events (all 16 tables) written once as a finished spool file and "
            + "once as queue entries. **Baseline:** the ingester draining the queue (`Ingester.drain()`). **metadb "
            + "replay:** `Replay.run` over the spool file (parse, validate, `INSERT OR IGNORE`, ledger in the same "
            + "transaction). Each timed inside its own fresh JVM, opening and JVM start excluded, into an empty meta.db.")
        .columns("Path", "Lines", "Seconds", "Lines/s", "vs ingest");
    System.err.printf("  writing %d events to a queue and a spool file, then ingest and replay%n", lines);
    Path queueHome = ctx.freshDir("replay-ingest");
    Path spoolHome = ctx.freshDir("replay-spool");
    try {
      QueuePrefill.fill(ctx, QueuePrefill.class, queueHome, lines);
      QueuePrefill.spool(new Home(spoolHome), lines);
      ThroughputReport ingest = IngestDrainProbe.measure(ctx, queueHome, "ingest", lines);
      ThroughputReport replay = IngestDrainProbe.measure(ctx, spoolHome, "replay", lines);
      t.row("metadb ingest (baseline)", Cells.count(lines), Cells.ms(ingest.nanos() / 1e9), Cells.rate(ingest.perSecond()), "1x");
      t.row("metadb replay", Cells.count(lines), Cells.ms(replay.nanos() / 1e9), Cells.rate(replay.perSecond()),
          Cells.ratio(replay.perSecond(), ingest.perSecond()));
      t.note("Target (issue 4), replay at least 0.5x the ingester's rate: " + Cells.ratio(replay.perSecond(), ingest.perSecond())
          + ": " + Cells.verdict(replay.perSecond() / ingest.perSecond() >= 0.5) + ".");
      var series = Charts.series();
      series.put("per second", new double[] {ingest.perSecond(), replay.perSecond()});
      Charts.bars(ctx.dataDir().resolve("replay-throughput.png"), "Replay against ingest", "lines or events per second",
          List.of("ingest (baseline)", "replay"), series, false);
      return List.of(t.chart("replay-throughput.png").build());
    } finally {
      FileTrees.delete(queueHome);
      FileTrees.delete(spoolHome);
    }
  }
}
