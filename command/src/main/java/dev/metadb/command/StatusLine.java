package dev.metadb.command;

import java.io.PrintWriter;

/**
 * A status line at the bottom of stderr that owns its line, with log lines printed above it.
 *
 * <p>ON A TERMINAL: every write starts with {@code \r ESC[K} (back to the start of the line, clear
 * to its end), so nothing of a longer earlier status is left behind; a log line is written there,
 * ends with its newline, and the status is drawn again below it. Log lines from other threads (the
 * ingester's) go through {@link #log} too, so they never land inside the status.
 *
 * <p>ELSEWHERE (a log file, a pipe): no control characters; a status is printed as a line of its
 * own only when it differs from the last one printed, at most once a second ({@link #show}), and
 * always at the end ({@link #finish}) unless that one was printed already.
 */
final class StatusLine {
  private static final String CLEAR_LINE = "\r\033[K";
  private static final long QUIET_NANOS = 1_000_000_000L;

  private final PrintWriter err;
  private final boolean terminal;
  private String status = "";
  private String printed = "";
  private long printedAt = System.nanoTime() - QUIET_NANOS;

  StatusLine(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  /** A log line, printed above the status. */
  synchronized void log(String line) {
    if (terminal) {
      err.print(CLEAR_LINE + line + System.lineSeparator() + status);
    } else {
      err.println(line);
    }
    err.flush();
  }

  /** The status now. */
  synchronized void show(String text) {
    status = text;
    if (terminal) {
      err.print(CLEAR_LINE + text);
      err.flush();
    } else if (!text.equals(printed) && System.nanoTime() - printedAt >= QUIET_NANOS) {
      printLine(text);
    }
  }

  /** The final status, left on its own line; what is printed afterwards starts on a new line. */
  synchronized void finish(String text) {
    status = text;
    if (terminal) {
      err.print(CLEAR_LINE + text + System.lineSeparator());
      err.flush();
    } else if (!text.equals(printed)) {
      printLine(text);
    }
    status = "";
  }

  private void printLine(String text) {
    err.println(text);
    err.flush();
    printed = text;
    printedAt = System.nanoTime();
  }
}
