package dev.metadb.query;

import dev.metadb.event.Timestamps;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * meta.db's timestamp text (fixed width, {@code 2026-11-25T02:44:00.123456Z}) to and from
 * microseconds since the epoch, the unit of the Arrow timestamp columns.
 *
 * <p>The fixed-width form is decoded by hand ({@link Timestamps#fixedWidthMicros}): a snapshot of
 * a million rows decodes two timestamps per row. Any other ISO-8601 text falls back to {@link
 * Timestamps#parse}, so a value written by an older build still reads.
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
  private static final String MIN_TEXT = Timestamps.format(Timestamps.MIN);
  private static final long MIN_MICROS = toMicrosExact(Timestamps.MIN);
  private static final long MAX_MICROS = toMicrosExact(Timestamps.MAX);
  /** The key of a ts_utc whose text sorts before the accepted range: 0000-12-31T23:59:59.999999Z. */
  static final long BELOW = MIN_MICROS - 1;
  /** Where a window bound after the accepted range is held: +10000-01-01T00:00:00Z. */
  static final long ABOVE = MAX_MICROS + 1;
  /** What {@link #micros} returns for text that is not an accepted timestamp. */
  static final long UNREADABLE = Timestamps.NOT_FIXED_WIDTH;

  private TimestampText() {}

  /**
   * The row key of a ts_utc text: its microseconds when it is an accepted fixed-width timestamp;
   * otherwise (another ISO form, out of range, not a timestamp) the greatest accepted instant
   * whose fixed-width text sorts at or before it, found by bisection (the format is monotonic), or
   * {@link #BELOW}. Rare rows pay about 60 formats; the common one none.
   */
  static long keyMicros(String text) {
    long exact = Timestamps.fixedWidthMicros(text);
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
    long exact = Timestamps.fixedWidthMicros(text);
    if (exact != UNREADABLE) {
      return exact;
    }
    try {
      return toMicrosExact(Timestamps.parse(text));
    } catch (DateTimeParseException e) {
      return UNREADABLE;
    }
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
}
