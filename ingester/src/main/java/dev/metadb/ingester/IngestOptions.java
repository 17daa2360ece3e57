package dev.metadb.ingester;

import java.time.Duration;
import java.util.List;

/**
 * How the ingester batches, retains and which trails it tails, validated once here.
 *
 * @param batchSize commit after this many entries (default 1000)
 * @param maxLatency commit when the oldest uncommitted entry has waited this long, even if the
 *     batch is not full (default 2 ms): the bound on how stale meta.db is behind a source. Small,
 *     so that an appended event is a committed row within milliseconds; a commit in WAL mode
 *     with synchronous=NORMAL costs tens of microseconds, and under load batches still fill
 *     (1000 entries take a few milliseconds to read)
 * @param retainDays keep ingested cycle files this many days before deleting them (default 7)
 * @param skipMissing when a checkpoint's cycle file is gone, continue from the first entry still
 *     in the slot instead of stopping (default false: stop, because events may be lost)
 * @param settle how long an inbox file dated before today, or a file deleted or replaced under
 *     the ingester, must stay unmodified before it counts as finished: its trailing fragment is
 *     then a torn line, and a finished inbox file moves to {@code inbox/done/} (default 60 s, for
 *     a writer that picked yesterday's file name just before midnight)
 * @param trails the {@code --trail TABLE=GLOB} files tailed in place besides the inbox
 */
public record IngestOptions(
    int batchSize, Duration maxLatency, int retainDays, boolean skipMissing, Duration settle, List<Trail> trails) {
  public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(60);
  public static final IngestOptions DEFAULTS = new IngestOptions(1000, Duration.ofMillis(2), 7, false);

  public IngestOptions {
    if (batchSize < 1 || batchSize > 1_000_000) {
      throw new IllegalArgumentException("--batch-size must be between 1 and 1000000, got " + batchSize);
    }
    if (maxLatency.isNegative() || maxLatency.isZero() || maxLatency.toMinutes() > 60) {
      throw new IllegalArgumentException("--max-latency-ms must be between 1 and 3600000, got " + maxLatency.toMillis());
    }
    if (retainDays < 0) {
      throw new IllegalArgumentException("--retain-days must be 0 or more, got " + retainDays);
    }
    if (settle.isNegative()) {
      throw new IllegalArgumentException("the settle time must not be negative, got " + settle);
    }
    trails = List.copyOf(trails);
  }

  /** Options with the default settle time and no trails. */
  public IngestOptions(int batchSize, Duration maxLatency, int retainDays, boolean skipMissing) {
    this(batchSize, maxLatency, retainDays, skipMissing, DEFAULT_SETTLE, List.of());
  }

  public IngestOptions withTrails(List<Trail> newTrails) {
    return new IngestOptions(batchSize, maxLatency, retainDays, skipMissing, settle, newTrails);
  }

  public IngestOptions withSettle(Duration newSettle) {
    return new IngestOptions(batchSize, maxLatency, retainDays, skipMissing, newSettle, trails);
  }
}
