package dev.metadb.query;

import dev.metadb.event.Timestamps;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * meta.db's timestamp text (fixed width, {@code 2026-11-25T02:44:00.123456Z}) to and from
 * microseconds since the epoch, the unit of the Arrow timestamp columns.
 *
 * <p>The fixed-width form is decoded by hand: a snapshot of a million rows decodes two
 * timestamps per row, and {@link Instant#parse} costs about a microsecond each. Any other ISO-8601
 * text falls back to {@link Timestamps#parse}, so a value written by an older build still reads.
 */
final class TimestampText {
  private static final int FIXED_WIDTH = "2026-11-25T02:44:00.123456Z".length();

  private TimestampText() {}

  /** Microseconds since the epoch of {@code text}. */
  static long toMicros(String text) throws SQLException {
    if (text.length() == FIXED_WIDTH && hasFixedShape(text)) {
      int year = digits(text, 0, 4);
      int month = digits(text, 5, 2);
      int day = digits(text, 8, 2);
      int hour = digits(text, 11, 2);
      int minute = digits(text, 14, 2);
      int second = digits(text, 17, 2);
      int micros = digits(text, 20, 6);
      if (year >= 0 && micros >= 0 && month >= 1 && month <= 12 && day >= 1
          && day <= daysInMonth(year, month) && hour >= 0 && hour < 24 && minute >= 0 && minute < 60
          && second >= 0 && second < 60) {
        long days = daysFromCivil(year, month, day);
        return ((days * 24 + hour) * 60 + minute) * 60_000_000L + second * 1_000_000L + micros;
      }
    }
    try {
      return toMicros(Timestamps.parse(text));
    } catch (DateTimeParseException e) {
      throw new SQLException("not a timestamp: \"" + text + "\"", e);
    }
  }

  /** Microseconds since the epoch of {@code instant}, truncated; exact for years 1 to 9999 and beyond. */
  static long toMicros(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }

  static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /** The fixed-width text of {@code micros}, exactly as meta.db stores it. */
  static String format(long micros) {
    return Timestamps.format(toInstant(micros));
  }

  private static boolean hasFixedShape(String t) {
    return t.charAt(4) == '-' && t.charAt(7) == '-' && t.charAt(10) == 'T' && t.charAt(13) == ':'
        && t.charAt(16) == ':' && t.charAt(19) == '.' && t.charAt(26) == 'Z';
  }

  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      int d = text.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      value = value * 10 + d;
    }
    return value;
  }

  private static int daysInMonth(int year, int month) {
    if (month == 2) {
      boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
      return leap ? 29 : 28;
    }
    return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  private static long daysFromCivil(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long doy = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
  }
}
