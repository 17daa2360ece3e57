package dev.metadb.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metadb.writer.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Issue 4's replay throughput, measured by the replay stage's own {@code ReplayBench} main (run
 * here in a child JVM with metadb's flags): the same N mixed events written as a finished spool
 * file and as queue entries; replay's lines/s against the ingester's events/s on them, each timed
 * inside a fresh JVM. Its JSON report is turned into this table.
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
        .description("Issue 4: " + lines + " mixed events written once as a finished spool file and once as queue "
            + "entries (`ReplayBench`). **Baseline:** the ingester draining the queue (`Ingester.drain()`). **metadb "
            + "replay:** `Replay.run` over the spool file (parse, validate, `INSERT OR IGNORE`, ledger in the same "
            + "transaction). Each timed inside its own fresh JVM, opening and JVM start excluded, into an empty meta.db.")
        .columns("Path", "Lines", "Seconds", "Lines/s", "vs ingest");
    System.err.printf("  ReplayBench --lines %d%n", lines);
    Path work = ctx.freshDir("replay");
    Path report = work.resolveSibling(work.getFileName() + ".json");
    Path log = ctx.logFile("replay-bench");
    try {
      Process p = JvmLauncher.start(ctx.jvm().command(ReplayBench.class.getName(), List.of("--lines", Integer.toString(lines),
          "--work", work.toString(), "--report", report.toString())), log);
      if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("ReplayBench failed:\n" + BenchContext.tail(log, 20));
      }
      JsonNode r = WriterReport.JSON.readTree(report.toFile());
      double ingestRate = number(r, "ingest_events_per_s");
      double replayRate = number(r, "replay_lines_per_s");
      long count = (long) number(r, "lines");
      t.row("metadb ingest (baseline)", Cells.count(count), Cells.ms(number(r, "ingest_seconds")), Cells.rate(ingestRate), "1x");
      t.row("metadb replay", Cells.count(count), Cells.ms(number(r, "replay_seconds")), Cells.rate(replayRate),
          Cells.ratio(replayRate, ingestRate));
      t.note("Target (issue 4), replay at least 0.5x the ingester's rate: " + Cells.ratio(replayRate, ingestRate) + ": "
          + Cells.verdict(replayRate / ingestRate >= 0.5) + ".");
      var series = Charts.series();
      series.put("per second", new double[] {ingestRate, replayRate});
      Charts.bars(ctx.dataDir().resolve("replay-throughput.png"), "Replay against ingest", "lines or events per second",
          List.of("ingest (baseline)", "replay"), series, false);
      return List.of(t.chart("replay-throughput.png").build());
    } finally {
      FileTrees.delete(work);
      Files.deleteIfExists(report);
    }
  }

  private static double number(JsonNode report, String field) throws IOException {
    JsonNode node = report.get(field);
    if (node == null || !node.isNumber()) {
      throw new IOException("ReplayBench report has no number '" + field + "': " + report);
    }
    return node.doubleValue();
  }
}
