package dev.metadb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {
  @Test
  void nearestRankPercentilesAreObservedValues() {
    long[] nanos = LongStream.rangeClosed(1, 100).map(ms -> ms * 1_000_000).toArray();
    reverse(nanos);
    LatencyStats s = LatencyStats.ofNanos(nanos);
    assertEquals(100, s.count());
    assertEquals(50.0, s.medianMs());
    assertEquals(95.0, s.p95Ms());
    assertEquals(99.0, s.p99Ms());
    assertEquals(100.0, s.p999Ms());
    assertEquals(100.0, s.maxMs());
    assertEquals(100_000_000L, nanos[0], "the input is not reordered");
  }

  @Test
  void smallSamplesReportTheirMaximumAsHighPercentiles() {
    LatencyStats s = LatencyStats.ofNanos(new long[] {3_000_000, 1_000_000, 2_000_000});
    assertEquals(2.0, s.medianMs());
    assertEquals(3.0, s.p95Ms());
    assertEquals(3.0, s.p99Ms());
  }

  @Test
  void emptySampleIsNotANumberNotZero() {
    LatencyStats s = LatencyStats.ofNanos(new long[0]);
    assertEquals(0, s.count());
    assertTrue(Double.isNaN(s.medianMs()));
    assertEquals("n/a", Cells.ms(s.p95Ms()));
  }

  @Test
  void millisecondSamplesAndMediansOfRatiosUseTheSameNearestRank() {
    LatencyStats s = LatencyStats.ofMillis(new double[] {12.5, 3.25, 7.0, 40.0});
    assertEquals(4, s.count());
    assertEquals(7.0, s.medianMs());
    assertEquals(40.0, s.maxMs());
    double[] ratios = {1.5, 0.5, 2.5};
    assertEquals(1.5, LatencyStats.median(ratios));
    assertEquals(1.5, ratios[0], "the input is not reordered");
  }

  @Test
  void concatKeepsEveryWritersSamples() {
    long[] all = LatencyStats.concat(List.of(new long[] {1, 2}, new long[0], new long[] {3}));
    assertEquals(List.of(1L, 2L, 3L), LongStream.of(all).boxed().toList());
  }

  @Test
  void ratiosAreWrittenWithTheirScale() {
    assertEquals("0.25x", Cells.ratio(1, 4));
    assertEquals("0.0040x", Cells.ratio(1, 250));
    assertEquals("250x", Cells.ratio(250, 1));
    assertEquals("n/a", Cells.ratio(1, 0));
    assertEquals("n/a", Cells.ratio(Double.NaN, 1));
  }

  private static void reverse(long[] a) {
    for (int i = 0, j = a.length - 1; i < j; i++, j--) {
      long t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
