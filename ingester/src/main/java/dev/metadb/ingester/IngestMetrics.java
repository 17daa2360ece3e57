package dev.metadb.ingester;

/**
 * What the ingester tells a metrics system as it works. Called on the ingest thread, once per
 * batch or event of note, never per entry. {@link #NONE} when no metrics were asked for: chosen
 * once when the ingester is built, so the loop never tests whether metrics are on.
 */
public interface IngestMetrics {
  /** Does nothing. */
  IngestMetrics NONE = new IngestMetrics() {};

  /**
   * A batch committed.
   *
   * @param insertedPerTable rows inserted, indexed by {@code Table.ordinal()}; read it before
   *     returning (the ingester reuses the array)
   * @param entries entries the batch took from its sources
   * @param duplicates entries whose event was already a row
   * @param spooled entries sent to the spool instead
   * @param nanos how long the committing transaction took
   */
  default void batchCommitted(long[] insertedPerTable, long entries, long duplicates, long spooled, long nanos) {}

  /** A batch failed for a transient cause ({@code busy}, {@code full}, {@code io}, {@code spool}, ...) and will be retried. */
  default void retried(String cause) {}

  /** Retention deleted {@code rows} expired rows. */
  default void retentionDeletedRows(long rows) {}

  /** Retention deleted {@code files} finished files or queue cycle files. */
  default void retentionDeletedFiles(long files) {}
}
