package dev.metadb.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The one timestamp format: ISO-8601 UTC with exactly six fraction digits and a Z,
 * {@code 2026-11-25T02:44:00.123456Z}. Fixed width, so text order is time order (SQLite compares
 * these as TEXT and the ts_utc index relies on it).
 *
 * <p>ACCEPTED RANGE: {@link #MIN} to {@link #MAX}, years 0001 to 9999, the years the fixed-width
 * form can hold (year 10000 would print as {@code +10000-...} and sort before year 0001). Every
 * edge that takes a timestamp (the envelope's ts_utc, every timestamp column, --since/--until)
 * refuses one outside it with {@link OutOfRangeException}, so no stage ever stores one.
 */
public final class Timestamps {
  /** The first accepted instant, 0001-01-01T00:00:00Z. */
  public static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
  /** The last accepted instant, 9999-12-31T23:59:59.999999Z. */
  public static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999Z");
  /** The accepted range, as messages state it. */
  public static final String RANGE = "0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z";

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {}

  /**
   * {@code instant} truncated to microseconds, as fixed-width UTC text. Inside the accepted range
   * the digits are written by hand ({@link #formatInto}): every envelope formats at least one
   * timestamp on the record path, and {@link DateTimeFormatter} cost about an eighth of a warm
   * writer's CPU per event.
   */
  public static String format(Instant instant) {
    byte[] text = new byte[WIDTH];
    return formatInto(instant, text, 0) ? new String(text, StandardCharsets.US_ASCII) : FORMAT.format(instant);
  }

  /** The length of the fixed-width form, in characters (and in bytes: it is ASCII). */
  static final int WIDTH = 27;

  /**
   * Writes {@link #format}'s text as {@link #WIDTH} ASCII bytes at {@code into[at]}, without a
   * String in between (the envelope encoder's way); false, with nothing written, when {@code
   * instant} is outside the accepted range.
   */
  static boolean formatInto(Instant instant, byte[] into, int at) {
    if (!inRange(instant)) {
      return false;
    }
    long seconds = instant.getEpochSecond();
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
    int secondOfDay = (int) Math.floorMod(seconds, 86_400);
    digits(into, at, 4, date.getYear());
    into[at + 4] = '-';
    digits(into, at + 5, 2, date.getMonthValue());
    into[at + 7] = '-';
    digits(into, at + 8, 2, date.getDayOfMonth());
    into[at + 10] = 'T';
    digits(into, at + 11, 2, secondOfDay / 3600);
    into[at + 13] = ':';
    digits(into, at + 14, 2, secondOfDay / 60 % 60);
    into[at + 16] = ':';
    digits(into, at + 17, 2, secondOfDay % 60);
    into[at + 19] = '.';
    digits(into, at + 20, 6, instant.getNano() / 1000);
    into[at + 26] = 'Z';
    return true;
  }

  /** Writes {@code value} as {@code width} decimal digits ending at {@code at + width}. */
  private static void digits(byte[] text, int at, int width, int value) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  /** The current time, truncated to microseconds. */
  public static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Parses any ISO-8601 instant ({@code Z} or an offset, any fraction length) and truncates it to
   * microseconds.
   *
   * @throws OutOfRangeException when it is a timestamp outside {@link #MIN}..{@link #MAX}
   * @throws DateTimeParseException when the text is not such a timestamp
   */
  public static Instant parse(String text) {
    Instant instant = parseFixedWidth(text);
    if (instant != null) {
      return instant;
    }
    try {
      instant = Instant.parse(text).truncatedTo(ChronoUnit.MICROS);
    } catch (DateTimeParseException e) {
      instant = OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MICROS);
    }
    if (!inRange(instant)) {
      throw new OutOfRangeException(text);
    }
    return instant;
  }

  /** What {@link #fixedWidthMicros} returns for any other text. */
  public static final long NOT_FIXED_WIDTH = Long.MIN_VALUE;

  /** The fixed-width form read by hand, or null (see {@link #fixedWidthMicros}). */
  private static Instant parseFixedWidth(String text) {
    long micros = fixedWidthMicros(text);
    return micros == NOT_FIXED_WIDTH
        ? null
        : Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
  }

  /**
   * Microseconds since the epoch of the one format ({@code 2026-11-25T02:44:00.123456Z}), read by
   * hand, or {@link #NOT_FIXED_WIDTH} for any other text (which {@link #parse} then reads the
   * general way, and refuses there if it must). Every queue entry and inbox line carries one, and
   * a snapshot decodes two per row: {@link Instant#parse} was a quarter of the ingester's Java
   * time in the 2026-12-03 profile. Only what the general way reads the same is taken here: years
   * 0001-9999, a valid date, hours 0-23, minutes and seconds 0-59.
   */
  public static long fixedWidthMicros(String text) {
    if (text.length() != 27 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
        || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(19) != '.' || text.charAt(26) != 'Z') {
      return NOT_FIXED_WIDTH;
    }
    int year = number(text, 0, 4);
    int month = number(text, 5, 2);
    int day = number(text, 8, 2);
    int hour = number(text, 11, 2);
    int minute = number(text, 14, 2);
    int second = number(text, 17, 2);
    int micros = number(text, 20, 6);
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > 28 && day > YearMonth.of(year, month).lengthOfMonth()
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || micros < 0) {
      return NOT_FIXED_WIDTH;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return (epochDay * 86_400 + hour * 3600 + minute * 60 + second) * 1_000_000L + micros;
  }

  /** The {@code width} decimal digits at {@code at}, or -1 when one is not a digit. */
  private static int number(String text, int at, int width) {
    int value = 0;
    for (int i = at; i < at + width; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Whether {@code instant} is inside the accepted range. */
  public static boolean inRange(Instant instant) {
    return !instant.isBefore(MIN) && !instant.isAfter(MAX);
  }

  /** A well-formed timestamp outside the accepted range; the message says the range. */
  public static final class OutOfRangeException extends DateTimeParseException {
    OutOfRangeException(String text) {
      super("'" + text + "' is outside the accepted range, " + RANGE, text, 0);
    }
  }
}
