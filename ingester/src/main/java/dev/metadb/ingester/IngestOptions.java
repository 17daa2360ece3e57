package dev.metadb.ingester;

import java.time.Duration;

/**
 * How the ingester batches and retains, validated once here.
 *
 * @param batchSize commit after this many entries (default 1000)
 * @param maxLatency commit when the oldest uncommitted entry has waited this long, even if the
 *     batch is not full (default 50 ms): the bound on how stale meta.db is behind the queue
 * @param retainDays keep ingested cycle files this many days before deleting them (default 7)
 * @param skipMissing when a checkpoint's cycle file is gone, continue from the first entry still
 *     in the slot instead of stopping (default false: stop, because events may be lost)
 */
public record IngestOptions(int batchSize, Duration maxLatency, int retainDays, boolean skipMissing) {
  public static final IngestOptions DEFAULTS = new IngestOptions(1000, Duration.ofMillis(50), 7, false);

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
  }
}
