package dev.metadb.event;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The one timestamp format: ISO-8601 UTC with exactly six fraction digits and a Z,
 * {@code 2026-11-25T02:44:00.123456Z}. Fixed width, so text order is time order (SQLite compares
 * these as TEXT and the ts_utc index relies on it).
 */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  /** {@code instant} truncated to microseconds, as fixed-width UTC text. */
  public static String format(Instant instant) {
    return FORMAT.format(instant);
  }

  /** The current time, truncated to microseconds. */
  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Parses any ISO-8601 instant ({@code Z} or an offset, any fraction length) and truncates it to
   * microseconds.
   *
   * @throws DateTimeParseException when the text is not such a timestamp
   */
  public static Instant parse(String text) {
    try {
      return Instant.parse(text).truncatedTo(ChronoUnit.MICROS);
    } catch (DateTimeParseException e) {
      return OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MICROS);
    }
  }
}
