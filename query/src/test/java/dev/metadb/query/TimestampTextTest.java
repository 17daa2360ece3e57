package dev.metadb.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.metadb.event.Timestamps;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand decoder of meta.db's fixed-width timestamps agrees with java.time everywhere. */
class TimestampTextTest {
  @Test
  void fixedWidthTextRoundTripsThroughMicros() throws Exception {
    Random random = new Random(1);
    long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 200_000; i++) {
      Instant instant = Instant.ofEpochSecond(min + (long) (random.nextDouble() * (max - min)), random.nextInt(1_000_000) * 1000L);
      String text = Timestamps.format(instant);
      long micros = TimestampText.micros(text);
      assertEquals(TimestampText.toMicros(instant), micros, text);
      assertEquals(text, TimestampText.format(micros));
    }
  }

  @Test
  void otherIsoFormsStillParseAndNonsenseNeverFails() {
    assertEquals(TimestampText.toMicros(Instant.parse("2026-11-25T02:44:00Z")), TimestampText.micros("2026-11-25T02:44:00Z"));
    assertEquals(TimestampText.toMicros(Instant.parse("2026-11-25T00:44:00.5Z")), TimestampText.micros("2026-11-25T02:44:00.500+02:00"));
    assertEquals(TimestampText.UNREADABLE, TimestampText.micros("2026-02-30T00:00:00.000000Z"));
    assertEquals(TimestampText.UNREADABLE, TimestampText.micros("yesterday"));
  }

  @Test
  void valuesOutsideTheRangeReadAsABoundOnTheSideTheirTextSortsTo() {
    // What an older build wrote for years 10000 and +300000, and what a hand may have put there.
    for (String below : List.of("+10000-01-01T00:00:00.000000Z", "+300000-01-01T00:00:00.000000Z", "-0001-01-01T00:00:00.000000Z",
        "0000-01-01T00:00:00.000000Z", "")) {
      assertEquals(TimestampText.UNREADABLE, TimestampText.micros(below), below);
      assertEquals(TimestampText.BELOW, TimestampText.keyMicros(below), below);
    }
    // Any other text: the greatest accepted fixed-width text at or before it, so text order holds.
    assertEquals("9999-12-31T23:59:59.999999Z", TimestampText.format(TimestampText.keyMicros("yesterday")));
    assertEquals("2026-02-28T23:59:59.999999Z", TimestampText.format(TimestampText.keyMicros("2026-02-30T00:00:00.000000Z")));
    assertEquals("2027-01-01T00:00:00.999999Z", TimestampText.format(TimestampText.keyMicros("2027-01-01T00:00:00Z")));
    assertEquals("1999-12-31T23:59:59.999999Z", TimestampText.format(TimestampText.keyMicros("1999-99")));
    assertEquals("0000-12-31T23:59:59.999999Z", TimestampText.format(TimestampText.BELOW));
    assertEquals("+10000-01-01T00:00:00.000000Z", TimestampText.format(TimestampText.ABOVE));
    assertEquals(TimestampText.BELOW, TimestampText.toMicros(Instant.MIN));
    assertEquals(TimestampText.ABOVE, TimestampText.toMicros(Instant.parse("+300000-01-01T00:00:00Z")));
    assertEquals(TimestampText.ABOVE, TimestampText.toMicros(Instant.MAX));
  }
}
