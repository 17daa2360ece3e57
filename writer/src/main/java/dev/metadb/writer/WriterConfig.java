package dev.metadb.writer;

import java.time.Duration;

/**
 * How a writer bounds its work. Validated once, here.
 *
 * @param maxSlots most writer slots a home may have (queue/slot-00 .. slot-(max-1)); default 64
 * @param claimTimeout how long {@link MetaDb#open} waits for a free slot when all are taken before
 *     recording to the spool instead; default 2 s
 * @param appendTimeout the longest one append may wait on the slot's Chronicle lock (only this
 *     process's threads contend for it); past it the event is spooled; default 1 s
 * @param retryInterval after a queue failure, how soon a {@code record} call tries to reopen the
 *     queue (meanwhile events are spooled); default 1 s
 */
public record WriterConfig(int maxSlots, Duration claimTimeout, Duration appendTimeout, Duration retryInterval) {
  public static final WriterConfig DEFAULT =
      new WriterConfig(64, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1));

  public WriterConfig {
    if (maxSlots < 1 || maxSlots > 999) {
      throw new IllegalArgumentException("maxSlots must be 1..999, got " + maxSlots);
    }
    for (Duration d : new Duration[] {claimTimeout, appendTimeout, retryInterval}) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException("writer timeouts must be zero or positive, got " + d);
      }
    }
  }

  /**
   * The default, with {@code METADB_MAX_SLOTS} and {@code METADB_CLAIM_TIMEOUT_MS} from the
   * environment when set (for operators and tests that need a small cap).
   */
  public static WriterConfig fromEnvironment() {
    WriterConfig c = DEFAULT;
    String slots = System.getenv("METADB_MAX_SLOTS");
    String claim = System.getenv("METADB_CLAIM_TIMEOUT_MS");
    return new WriterConfig(
        slots == null ? c.maxSlots : (int) number("METADB_MAX_SLOTS", slots),
        claim == null ? c.claimTimeout : Duration.ofMillis(number("METADB_CLAIM_TIMEOUT_MS", claim)),
        c.appendTimeout,
        c.retryInterval);
  }

  private static long number(String variable, String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(variable + "=" + text + " is not a whole number");
    }
  }
}
