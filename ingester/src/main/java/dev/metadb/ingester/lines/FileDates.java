package dev.metadb.ingester.lines;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The UTC date in a spool, inbox or trail file's name ({@code cli-2026-11-25.jsonl}), and what it
 * says about the file: one dated before today is no longer appended to by a writer that follows
 * the naming rule.
 */
public final class FileDates {
  private static final Pattern DATE = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})");

  private FileDates() {}

  /** The first valid YYYY-MM-DD in the file's name, if any. */
  public static Optional<LocalDate> dateOf(Path file) {
    Matcher m = DATE.matcher(file.getFileName().toString());
    while (m.find()) {
      try {
        return Optional.of(LocalDate.parse(m.group(1)));
      } catch (DateTimeParseException e) {
        // not a real date (2026-13-40): look further along the name
      }
    }
    return Optional.empty();
  }

  /** Whether a writer may still append to {@code file}: dated today or later, or undated. */
  public static boolean mayStillBeWritten(Path file, LocalDate today) {
    return dateOf(file).map(date -> !date.isBefore(today)).orElse(true);
  }
}
