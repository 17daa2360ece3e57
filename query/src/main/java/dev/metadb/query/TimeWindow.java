package dev.metadb.query;

import dev.metadb.event.Timestamps;
import java.time.Instant;

/**
 * A ts_utc window, half open: rows with {@code since <= ts_utc < until}. Either end may be null
 * (unbounded). Applied to every table a query reads.
 *
 * @param since first instant included, or null
 * @param until first instant excluded, or null
 */
public record TimeWindow(Instant since, Instant until) {
  /** No bounds: every row. */
  public static final TimeWindow ALL = new TimeWindow(null, null);

  public TimeWindow {
    if (since != null && until != null && !since.isBefore(until)) {
      throw new IllegalArgumentException(
          "--since " + Timestamps.format(since) + " is not before --until " + Timestamps.format(until));
    }
  }

  boolean isAll() {
    return since == null && until == null;
  }

  long sinceMicros() {
    return since == null ? Long.MIN_VALUE : TimestampText.toMicros(since);
  }

  long untilMicros() {
    return until == null ? Long.MAX_VALUE : TimestampText.toMicros(until);
  }

  /** Whether rows with ts_utc in {@code [firstMicros, lastMicros]} can fall inside the window. */
  boolean overlaps(long firstMicros, long lastMicros) {
    return lastMicros >= sinceMicros() && firstMicros < untilMicros();
  }
}
