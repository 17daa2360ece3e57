package dev.metadb.ingester;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The log of one failure episode of the batch commit (meta.db locked, the disk full): the first
 * failure at once, then at most one line per {@link #INTERVAL} while it lasts, saying how many
 * retries it has taken and for how long, and one line when a commit succeeds again. Backoff is
 * capped at 5 s, so a disk full for a day would otherwise write 17,000 lines (Litestream's
 * monitor rate-limits its retry log the same way).
 *
 * <p>Not thread-safe: the ingest loop's thread only.
 */
final class RetryLog {
  static final Duration INTERVAL = Duration.ofMinutes(1);

  private final Consumer<String> log;
  private final LongSupplier nanoTime;
  private long startedNanos;
  private long loggedNanos;
  private long retries;

  RetryLog(Consumer<String> log, LongSupplier nanoTime) {
    this.log = log;
    this.nanoTime = nanoTime;
  }

  /** A failed attempt: {@code failure} says what, the batch is retried in {@code waitMillis}. */
  void failed(String failure, int entries, long waitMillis) {
    long now = nanoTime.getAsLong();
    retries++;
    if (retries == 1) {
      startedNanos = now;
    } else if (now - loggedNanos < INTERVAL.toNanos()) {
      return;
    }
    loggedNanos = now;
    String since = retries == 1 ? "" : " (failing for " + seconds(now - startedNanos) + " s)";
    log.accept(failure + "; " + entries + " entries stay in the queue and the files, retry " + retries + " in "
        + waitMillis + " ms" + since);
  }

  /** A commit succeeded: ends the episode, saying so if it had failed before. */
  void committed() {
    if (retries > 0) {
      log.accept("committed again after " + retries + (retries == 1 ? " retry" : " retries") + " in "
          + seconds(nanoTime.getAsLong() - startedNanos) + " s");
      retries = 0;
    }
  }

  private static long seconds(long nanos) {
    return TimeUnit.NANOSECONDS.toSeconds(nanos);
  }
}
