package dev.metadb.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Retention over a simulated year ({@link RetentionYear}): meta.db's size with a 30-day policy
 * against the same year without one, and the ingester's batch latency while deletes run against
 * its no-retention figure, both in the same run. Targets (issue 16): the size levels off, the
 * latency stays within 2x, no row younger than the policy is deleted.
 */
final class RetentionSoakBench implements Benchmark {
  static final int DAYS = 365;
  static final int RETENTION_DAYS = 30;
  static final int BATCH = 1000;

  @Override
  public String name() {
    return "retention";
  }

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    int perDay = ctx.config().quick() ? 200 : 3000;
    String body = "{\"pad\":\"" + "x".repeat(200) + "\"}";
    Path dir = ctx.freshDir("retention-soak");
    System.err.printf(Locale.ROOT, "   %d days x %,d events, no retention (baseline)%n", DAYS, perDay);
    RetentionYear.Result baseline = RetentionYear.run(dir.resolve("keep-all"), DAYS, perDay, BATCH, 0, body);
    System.err.printf(Locale.ROOT, "   %d days x %,d events, %d-day retention%n", DAYS, perDay, RETENTION_DAYS);
    RetentionYear.Result retained = RetentionYear.run(dir.resolve("retain-30d"), DAYS, perDay, BATCH, RETENTION_DAYS, body);

    ResultTable.Builder size = ResultTable.builder("retention-size", "meta.db size over a simulated year, 30-day retention")
        .description(String.format(Locale.ROOT, "%,d tick events a day (ts_utc spread over the day, ~250-byte rows) in"
            + " %d-event batches, %d simulated days; retention deletes between batches as the ingester does when idle."
            + " Size = meta.db + WAL after each day's idle WAL checkpoint. Baseline: the same year with no policy.",
            perDay, BATCH, DAYS))
        .columns("day", "MiB, 30-day retention", "rows, 30-day retention", "MiB, no retention", "rows younger than 30 days deleted");
    double[] x = new double[DAYS];
    double[] kept = new double[DAYS];
    double[] all = new double[DAYS];
    long youngMissing = 0;
    for (int d = 0; d < DAYS; d++) {
      RetentionYear.Day r = retained.days().get(d);
      x[d] = r.day();
      kept[d] = r.fileBytes() / 1048576.0;
      all[d] = baseline.days().get(d).fileBytes() / 1048576.0;
      youngMissing += r.youngMissing();
      if (r.day() == 1 || r.day() % 30 == 0 || r.day() == DAYS) {
        size.row(Integer.toString(r.day()), mib(r.fileBytes()), Cells.count(r.rows()), mib(baseline.days().get(d).fileBytes()),
            Cells.count(r.youngMissing()));
      }
    }
    double at60 = kept[59];
    double peakAfter60 = 0;
    for (int d = 59; d < DAYS; d++) {
      peakAfter60 = Math.max(peakAfter60, kept[d]);
    }
    size.note(String.format(Locale.ROOT, "Levels off: largest size from day 60 to %d is %s of the size at day 60 (target: at most 1.10x);"
            + " %s.", DAYS, Cells.ratio(peakAfter60, at60), Cells.verdict(peakAfter60 <= 1.10 * at60)))
        .note(String.format(Locale.ROOT, "At day %d: %s MiB with retention against %s MiB without (%s).", DAYS,
            mib(retained.days().get(DAYS - 1).fileBytes()), mib(baseline.days().get(DAYS - 1).fileBytes()),
            Cells.ratio(kept[DAYS - 1], all[DAYS - 1])))
        .note("Rows younger than the policy deleted, over all days: " + youngMissing + " (target 0); " + Cells.verdict(youngMissing == 0) + ".");
    Map<String, double[]> series = Charts.series();
    series.put("30-day retention", kept);
    series.put("no retention", all);
    Charts.lines(ctx.dataDir().resolve("retention-size.png"), "meta.db size over a simulated year", "day", "MiB", x, series, false);
    size.chart("retention-size.png");

    int batchesPerDay = (perDay + BATCH - 1) / BATCH;
    int from = RETENTION_DAYS + 1;
    double p50 = retained.batchMillis(50, from, batchesPerDay);
    double p99 = retained.batchMillis(99, from, batchesPerDay);
    double b50 = baseline.batchMillis(50, from, batchesPerDay);
    double b99 = baseline.batchMillis(99, from, batchesPerDay);
    double idle99 = RetentionYear.Result.percentile(retained.idleNanos(), 99) / 1e6;
    double idleMax = RetentionYear.Result.percentile(retained.idleNanos(), 100) / 1e6;
    ResultTable latency = ResultTable.builder("retention-latency", "Batch latency while retention deletes, against no retention")
        .description(String.format(Locale.ROOT, "Time of each %d-event batch transaction (BEGIN IMMEDIATE to COMMIT) on days %d-%d,"
            + " when every day expires a day of rows; baseline: the same batches with no policy, same run."
            + " Retention's idle calls (20 ms budget, 500-row delete transactions, incremental vacuum) run between batches.",
            BATCH, from, DAYS))
        .columns("run", "batches", "p50 ms", "p99 ms", "p50 vs baseline", "p99 vs baseline")
        .row("no retention (baseline)", Cells.count(baseline.batchNanos().length), Cells.ms(b50), Cells.ms(b99), "1.00x", "1.00x")
        .row("30-day retention", Cells.count(retained.batchNanos().length), Cells.ms(p50), Cells.ms(p99),
            Cells.ratio(p50, b50), Cells.ratio(p99, b99))
        .note(String.format(Locale.ROOT, "Target: within 2x of the no-retention figure: p50 %s, p99 %s.",
            Cells.verdict(p50 <= 2 * b50), Cells.verdict(p99 <= 2 * b99)))
        .note(String.format(Locale.ROOT, "Retention deleted %,d rows; its idle calls took p99 %s ms, at most %s ms"
            + " (each holds the write lock only for one 500-row delete at a time).", retained.deleted(), Cells.ms(idle99), Cells.ms(idleMax)))
        .build();
    return List.of(size.build(), latency);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
  }
}
