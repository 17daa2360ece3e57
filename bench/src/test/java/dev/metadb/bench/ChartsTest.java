package dev.metadb.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

  @Test
  void linesSkipMissingPointsOnALogAxis(@TempDir Path dir) throws Exception {
    var series = Charts.series();
    series.put("baseline p95", new double[] {5, 20, 250});
    series.put("metadb p95", new double[] {0.01, Double.NaN, 0.02});
    series.put("not run", new double[] {Double.NaN, Double.NaN, Double.NaN});
    Path file = dir.resolve("lines.png");
    Charts.lines(file, "t", "writers", "ms", new double[] {1, 8, 32}, series, true);
    assertPng(file);
  }

  @Test
  void barsLeaveOutCategoriesWithAMissingFigure(@TempDir Path dir) throws Exception {
    var series = Charts.series();
    series.put("median", new double[] {50, Double.NaN, 0.4});
    series.put("p95", new double[] {60, 2000, 1.2});
    Path file = dir.resolve("bars.png");
    Charts.bars(file, "t", "ms", List.of("cold", "not run", "warm"), series, true);
    assertPng(file);
  }

  private static void assertPng(Path file) throws Exception {
    byte[] head = Arrays.copyOf(Files.readAllBytes(file), 4);
    assertArrayEquals(PNG_MAGIC, head, file + " is a PNG");
  }
}
