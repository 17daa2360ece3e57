package dev.metadb.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.metadb.event.Timestamps;
import java.sql.SQLException;
import java.time.Instant;
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
      long micros = TimestampText.toMicros(text);
      assertEquals(TimestampText.toMicros(instant), micros, text);
      assertEquals(text, TimestampText.format(micros));
    }
  }

  @Test
  void otherIsoFormsStillParseAndNonsenseIsNamed() throws Exception {
    assertEquals(TimestampText.toMicros(Instant.parse("2026-11-25T02:44:00Z")), TimestampText.toMicros("2026-11-25T02:44:00Z"));
    assertEquals(TimestampText.toMicros(Instant.parse("2026-11-25T00:44:00.5Z")), TimestampText.toMicros("2026-11-25T02:44:00.500+02:00"));
    SQLException e = assertThrows(SQLException.class, () -> TimestampText.toMicros("2026-02-30T00:00:00.000000Z"));
    assertEquals("not a timestamp: \"2026-02-30T00:00:00.000000Z\"", e.getMessage());
    assertThrows(SQLException.class, () -> TimestampText.toMicros("yesterday"));
  }
}
