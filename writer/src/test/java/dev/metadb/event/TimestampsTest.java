package dev.metadb.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Timestamps#format}'s hand-written digits say exactly what the ISO pattern says, and
 * {@link Timestamps#parse}'s hand-read fixed-width form reads exactly what the general way reads.
 */
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

  @Test
  void readsTheFixedWidthFormAsTheGeneralWayDoes() {
    SplittableRandom random = new SplittableRandom(17);
    long min = Timestamps.MIN.getEpochSecond();
    long max = Timestamps.MAX.getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      Instant t = Instant.ofEpochSecond(random.nextLong(min, max + 1), random.nextInt(1_000_000) * 1000L);
      String text = Timestamps.format(t);
      assertEquals(t, Timestamps.parse(text), text);
      assertEquals(Instant.parse(text), Timestamps.parse(text), text);
    }
  }

  @Test
  void fixedWidthEdgesReadAsTheGeneralWayReadsThem() {
    for (String edge : new String[] {"2026-02-29T00:00:00.000000Z", "2024-02-29T23:59:59.999999Z", "2026-13-01T00:00:00.000000Z",
        "2026-00-10T00:00:00.000000Z", "2026-04-31T00:00:00.000000Z", "2026-01-00T00:00:00.000000Z", "2026-01-01T24:00:00.000000Z",
        "2026-01-01T00:60:00.000000Z", "2026-12-31T23:59:60.000000Z", "2026-01-01T00:00:61.000000Z", "2026-01-01T00:00:00.00000aZ",
        "2026-01-01T00:00:00.-00000Z", "0000-12-31T23:59:59.999999Z", "0001-01-01T00:00:00.000000Z", "9999-12-31T23:59:59.999999Z"}) {
      assertEquals(general(edge), outcome(() -> Timestamps.parse(edge)), edge);
    }
  }

  /** What parse answered before it read the fixed-width form by hand: an instant, or the exception's class. */
  private static Object general(String text) {
    return outcome(() -> {
      Instant instant;
      try {
        instant = Instant.parse(text).truncatedTo(ChronoUnit.MICROS);
      } catch (DateTimeParseException e) {
        instant = OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MICROS);
      }
      if (!Timestamps.inRange(instant)) {
        throw new Timestamps.OutOfRangeException(text);
      }
      return instant;
    });
  }

  private static Object outcome(java.util.function.Supplier<Instant> parse) {
    try {
      return parse.get();
    } catch (RuntimeException e) {
      return e.getClass();
    }
  }
}
