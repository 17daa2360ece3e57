package dev.metadb.bench;

import java.util.Arrays;

/**
 * Percentiles of a latency sample, in milliseconds.
 *
 * <p>Percentiles are nearest-rank: the p-th percentile of n sorted values is the value at rank
 * ceil(p * n), so every reported figure is a latency that was actually observed. With fewer than
 * 1/(1-p) samples the high percentiles are the maximum; the sample count is reported beside them.
 */
record LatencyStats(int count, double medianMs, double p95Ms, double p99Ms, double p999Ms, double maxMs) {
  static final LatencyStats EMPTY = new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  /** Stats of {@code nanos} (not modified). */
  static LatencyStats ofNanos(long[] nanos) {
    if (nanos.length == 0) {
      return EMPTY;
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new LatencyStats(
        sorted.length,
        ms(percentile(sorted, 0.50)),
        ms(percentile(sorted, 0.95)),
        ms(percentile(sorted, 0.99)),
        ms(percentile(sorted, 0.999)),
        ms(sorted[sorted.length - 1]));
  }

  /** The nearest-rank {@code p} percentile (0 &lt; p &lt;= 1) of ascending {@code sorted}. */
  static long percentile(long[] sorted, double p) {
    return sorted[index(p, sorted.length)];
  }

  /** The nearest-rank median of {@code values} (not modified), e.g. of per-round ratios. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[index(0.50, sorted.length)];
  }

  /** Stats of {@code millis} (not modified), for figures measured in milliseconds. */
  static LatencyStats ofMillis(double[] millis) {
    return ofNanos(Arrays.stream(millis).mapToLong(ms -> Math.round(ms * 1e6)).toArray());
  }

  private static int index(double p, int n) {
    int rank = (int) Math.ceil(p * n);
    return Math.max(0, Math.min(n - 1, rank - 1));
  }

  /** All of {@code parts} in one array, for stats over several writers. */
  static long[] concat(Iterable<long[]> parts) {
    int n = 0;
    for (long[] part : parts) {
      n += part.length;
    }
    long[] all = new long[n];
    int at = 0;
    for (long[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
