package dev.metadb.query;

import dev.metadb.event.Timestamps;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * meta.db's timestamp text (fixed width, {@code 2026-11-25T02:44:00.123456Z}) to and from
 * microseconds since the epoch, the unit of the Arrow timestamp columns.
 *
 * <p>The fixed-width form is decoded by hand: a snapshot of a million rows decodes two
 * timestamps per row, and {@link Instant#parse} costs about a microsecond each. Any other ISO-8601
 * text falls back to {@link Timestamps#parse}, so a value written by an older build still reads.
 *
 * <p>NEVER FAILS ON A ROW. meta.db is append-only and may hold a value no current edge accepts (a
 * year 10000 or +300000 written by an older build, text put there by hand). Such a value is not
 * an error and never overflows. A nullable timestamp column reads it as NULL. The row key ts_utc
 * (never null) reads any text as the greatest accepted fixed-width timestamp whose text sorts at
 * or before it ({@link #keyMicros}), or {@link #BELOW} when none does: SQLite compares ts_utc as
 * text, so a window gives exactly the same rows whether SQL applies it to meta.db or the key
 * applies it to a snapshot.
 */
final class TimestampText {
  private static final int FIXED_WIDTH = "2026-11-25T02:44:00.123456Z".length();
  private static final String MIN_TEXT = Timestamps.format(Timestamps.MIN);
  private static final long MIN_MICROS = toMicrosExact(Timestamps.MIN);
  private static final long MAX_MICROS = toMicrosExact(Timestamps.MAX);
  /** The key of a ts_utc whose text sorts before the accepted range: 0000-12-31T23:59:59.999999Z. */
  static final long BELOW = MIN_MICROS - 1;
  /** Where a window bound after the accepted range is held: +10000-01-01T00:00:00Z. */
  static final long ABOVE = MAX_MICROS + 1;
  /** What {@link #micros} returns for text that is not an accepted timestamp. */
  static final long UNREADABLE = Long.MIN_VALUE;

  private TimestampText() {}

  /**
   * The row key of a ts_utc text: its microseconds when it is an accepted fixed-width timestamp;
   * otherwise (another ISO form, out of range, not a timestamp) the greatest accepted instant
   * whose fixed-width text sorts at or before it, found by bisection (the format is monotonic), or
   * {@link #BELOW}. Rare rows pay about 60 formats; the common one none.
   */
  static long keyMicros(String text) {
    long exact = fixedWidthMicros(text);
    if (exact != UNREADABLE) {
      return exact;
    }
    if (text.compareTo(MIN_TEXT) < 0) {
      return BELOW;
    }
    long lo = MIN_MICROS;
    long hi = MAX_MICROS;
    while (lo < hi) {
      long mid = lo + (hi - lo + 1) / 2;
      if (format(mid).compareTo(text) <= 0) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Microseconds since the epoch of {@code text}, or {@link #UNREADABLE}. */
  static long micros(String text) {
    long exact = fixedWidthMicros(text);
    if (exact != UNREADABLE) {
      return exact;
    }
    try {
      return toMicrosExact(Timestamps.parse(text));
    } catch (DateTimeParseException e) {
      return UNREADABLE;
    }
  }

  private static long fixedWidthMicros(String text) {
    if (text.length() == FIXED_WIDTH && hasFixedShape(text)) {
      int year = digits(text, 0, 4);
      int month = digits(text, 5, 2);
      int day = digits(text, 8, 2);
      int hour = digits(text, 11, 2);
      int minute = digits(text, 14, 2);
      int second = digits(text, 17, 2);
      int micros = digits(text, 20, 6);
      if (year >= 1 && micros >= 0 && month >= 1 && month <= 12 && day >= 1
          && day <= daysInMonth(year, month) && hour >= 0 && hour < 24 && minute >= 0 && minute < 60
          && second >= 0 && second < 60) {
        long days = daysFromCivil(year, month, day);
        return ((days * 24 + hour) * 60 + minute) * 60_000_000L + second * 1_000_000L + micros;
      }
    }
    return UNREADABLE;
  }

  /**
   * Microseconds since the epoch of {@code instant}, truncated; an instant outside the accepted
   * range (a library caller's window) is held to {@link #BELOW} or {@link #ABOVE}, never overflowing.
   */
  static long toMicros(Instant instant) {
    if (instant.isBefore(Timestamps.MIN)) {
      return BELOW;
    }
    return instant.isAfter(Timestamps.MAX) ? ABOVE : toMicrosExact(instant);
  }

  private static long toMicrosExact(Instant instant) {
    return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
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
