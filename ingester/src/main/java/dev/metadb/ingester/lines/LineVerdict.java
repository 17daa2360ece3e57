package dev.metadb.ingester.lines;

import dev.metadb.event.Envelope;
import dev.metadb.event.InvalidEventException;

/**
 * What one line of a spool, inbox or trail file is, decided the same way for replay and the
 * ingester.
 *
 * <pre>
 *   over maxLineBytes                        -> Reject "line of N bytes is over the M-byte limit"
 *   only spaces, tabs, '\r' (not torn)      -> Blank (skipped, never quarantined)
 *   not well-formed UTF-8                    -> Reject "invalid UTF-8 at byte K of the line"
 *   the format refuses it                    -> Reject with the format's reason
 *   torn (no '\n', taken as the last line)   -> the reason starts "incomplete last line"
 *   otherwise                                -> Event
 * </pre>
 */
public sealed interface LineVerdict {
  /** An empty or whitespace-only line. */
  record Blank() implements LineVerdict {}

  /** A line that parsed and validated. */
  record Event(Envelope envelope) implements LineVerdict {}

  /** A line for quarantine, with the reason. */
  record Reject(String reason) implements LineVerdict {}

  LineVerdict BLANK = new Blank();

  /** The verdict on {@code line}, the reader's current line. */
  static LineVerdict of(LineReader line, LineFormat format, int maxLineBytes) {
    if (line.oversized()) {
      return new Reject("line of " + (line.end() - line.start()) + " bytes is over the " + maxLineBytes + "-byte limit");
    }
    byte[] bytes = line.buffer();
    int offset = line.contentOffset();
    int length = line.contentLength();
    if (isBlank(bytes, offset, length)) {
      return line.torn()
          ? new Reject("incomplete last line (no newline at the end of the file) holding only whitespace")
          : BLANK;
    }
    int invalid = Utf8Validation.firstInvalidByte(bytes, offset, length);
    if (invalid >= 0) {
      return new Reject("invalid UTF-8 at byte " + (invalid - offset) + " of the line");
    }
    try {
      return new Event(format.parse(bytes, offset, length, line.start()));
    } catch (InvalidEventException e) {
      return new Reject(line.torn() ? "incomplete last line (no newline at the end of the file): " + e.getMessage() : e.getMessage());
    }
  }

  private static boolean isBlank(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
