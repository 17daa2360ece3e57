package dev.metadb.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Timestamps#format}'s hand-written digits say exactly what the ISO pattern says. */
class TimestampsTest {
  private static final DateTimeFormatter PATTERN =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void formatsEveryInstantOfTheRangeAsThePatternDoes() {
    SplittableRandom random = new SplittableRandom(13);
    long min = Timestamps.MIN.getEpochSecond();
    long max = Timestamps.MAX.getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(min, max + 1), random.nextInt(1_000_000_000));
      assertEquals(PATTERN.format(t), Timestamps.format(t), t.toString());
    }
    for (String edge : new String[] {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999999Z", "2000-02-29T12:00:00.000001Z", "2026-12-03T08:00:00.1234567Z"}) {
      Instant t = Instant.parse(edge);
      assertEquals(PATTERN.format(t), Timestamps.format(t), edge);
    }
  }

  @Test
  void anInstantOutsideTheRangeStillFormatsAsThePatternDoes() {
    Instant before = Timestamps.MIN.minusSeconds(1);
    assertEquals(PATTERN.format(before), Timestamps.format(before));
  }
}
