package dev.metadb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retention soak: a simulated year with a 30-day policy. No row younger than the policy is
 * ever deleted (checked at the end of every day), the rows kept are exactly the last 30 days',
 * and meta.db's size levels off. Latency is the benchmark's business ({@link RetentionSoakBench}).
 */
class RetentionYearTest {
  @TempDir Path dir;

  @Test
  void aYearWithThirtyDayRetentionKeepsThirtyDaysAndLevelsOff() throws Exception {
    int perDay = 150;
    RetentionYear.Result year = RetentionYear.run(dir, 365, perDay, 50, 30, "{\"pad\":\"" + "x".repeat(300) + "\"}");
    for (RetentionYear.Day day : year.days()) {
      assertEquals(0, day.youngMissing(), "day " + day.day() + ": rows younger than 30 days were deleted");
      assertEquals(Math.min(day.day(), 30) * (long) perDay, day.rows(), "day " + day.day() + ": rows kept");
    }
    long at60 = year.days().get(59).fileBytes();
    long peak = year.days().stream().skip(59).mapToLong(RetentionYear.Day::fileBytes).max().orElseThrow();
    assertTrue(peak <= at60 * 1.10, "meta.db grew from " + at60 + " bytes at day 60 to " + peak);
    assertEquals((365 - 30) * (long) perDay, year.deleted());
  }
}
