package dev.metadb.bench;

import dev.metadb.writer.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Issue 2's in-process append latency: p50/p99/p99.9 of one {@code record} call with 1 and 4
 * threads in one warm JVM ({@link AppendLatencyProbe}). Floor: the same envelope bytes appended
 * to a file through an {@code O_APPEND} channel; the seed's per-event SQLite insert is shown too.
 */
final class AppendLatencyBench implements Benchmark {
  @Override
  public String name() {
    return "append";
  }

  private record Row(SinkKind kind, int threads, LatencyStats stats) {}

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    BenchConfig cfg = ctx.config();
    List<Row> rows = new ArrayList<>();
    for (int threads : cfg.appendThreads()) {
      for (SinkKind kind : List.of(SinkKind.FILE_APPEND, SinkKind.METADB, SinkKind.DIRECT_SQLITE)) {
        int count = kind == SinkKind.DIRECT_SQLITE ? cfg.sqliteAppendsPerThread() : cfg.appendsPerThread();
        System.err.printf("  %s, %d thread(s) x %d appends%n", kind.label, threads, count);
        rows.add(new Row(kind, threads, probe(ctx, kind, threads, count)));
      }
    }
    return List.of(table(ctx, rows));
  }

  private static LatencyStats probe(BenchContext ctx, SinkKind kind, int threads, int count) throws Exception {
    Path home = ctx.freshDir("append-" + kind.cliName + "-" + threads);
    Path report = home.resolveSibling(home.getFileName() + ".json");
    Path log = ctx.logFile("append-" + kind.cliName);
    try {
      Process p = JvmLauncher.start(ctx.jvm().command(AppendLatencyProbe.class.getName(), List.of(
          "--sink", kind.cliName, "--threads", Integer.toString(threads), "--count", Integer.toString(count),
          "--warmup", Integer.toString(Math.min(count, 20_000)), "--home", home.toString(),
          "--report", report.toString())), log);
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("append probe " + kind.label + " failed:\n" + BenchContext.tail(log, 20));
      }
      WriterReport r = WriterReport.read(report);
      if (r.stored() != r.attempted()) {
        throw new IOException(kind.label + ": " + r.stored() + " of " + r.attempted() + " appends stored: " + r.firstError());
      }
      return LatencyStats.ofNanos(r.latencyNanos());
    } finally {
      FileTrees.delete(home);
      Files.deleteIfExists(report);
    }
  }

  private static ResultTable table(BenchContext ctx, List<Row> rows) throws IOException {
    var t = ResultTable.builder("append-latency", "In-process append latency")
        .description("Issue 2: one write call timed with `System.nanoTime()` in a warm JVM, " + ctx.config().appendThreads()
            + " threads, after a warm-up. **Floor:** " + SinkKind.FILE_APPEND.label + ": "
            + SinkKind.FILE_APPEND.description + ". **metadb:** `MetaDb.record` (one shared instance). "
            + "**Seed:** " + SinkKind.DIRECT_SQLITE.label + ", one autocommit insert per event (a connection per thread).")
        .columns("Writer", "Threads", "Samples", "P50 us", "P99 us", "P99.9 us", "Max us", "P99 vs floor");
    List<String> categories = new ArrayList<>();
    double[][] values = new double[3][rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      Row floor = rows.stream().filter(f -> f.kind() == SinkKind.FILE_APPEND && f.threads() == r.threads()).findFirst().orElseThrow();
      LatencyStats s = r.stats();
      t.row(r.kind().label, Cells.count(r.threads()), Cells.count(s.count()), Cells.us(s.medianMs()), Cells.us(s.p99Ms()),
          Cells.us(s.p999Ms()), Cells.us(s.maxMs()), r == floor ? "1x" : Cells.ratio(s.p99Ms(), floor.stats().p99Ms()));
      categories.add(r.kind().cliName + " x" + r.threads());
      values[0][i] = r.stats().medianMs() * 1000;
      values[1][i] = r.stats().p99Ms() * 1000;
      values[2][i] = r.stats().p999Ms() * 1000;
    }
    for (Row r : rows) {
      if (r.kind() == SinkKind.METADB) {
        t.note("Target (issue 2), metadb p99 under 20 us with " + r.threads() + " thread(s): " + Cells.us(r.stats().p99Ms())
            + " us: " + Cells.verdict(r.stats().p99Ms() < 0.020) + ".");
      }
    }
    var series = Charts.series();
    series.put("p50", values[0]);
    series.put("p99", values[1]);
    series.put("p99.9", values[2]);
    Charts.bars(ctx.dataDir().resolve("append-latency.png"), "In-process append latency", "us per write (log scale)",
        categories, series, true);
    return t.chart("append-latency.png").build();
  }
}
