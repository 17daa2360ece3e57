package dev.metadb.ingester;

/**
 * What an ingester committed, counted only after each commit.
 *
 * @param entries queue entries taken and committed (rows + duplicates + spooled)
 * @param inserted new rows
 * @param duplicates entries whose event_id was already stored (re-read after a crash, or replayed)
 * @param spooled entries that could not be applied and went to the spool with stage ingester
 * @param batches transactions committed
 * @param retries failed batch attempts that were retried (busy, full disk, I/O)
 * @param filesDeleted cycle files deleted by retention
 */
public record IngestStats(
    long entries, long inserted, long duplicates, long spooled, long batches, long retries, long filesDeleted) {
  public static final IngestStats ZERO = new IngestStats(0, 0, 0, 0, 0, 0, 0);

  /** These counts with {@code filesDeleted} replaced. */
  public IngestStats withFilesDeleted(long deleted) {
    return new IngestStats(entries, inserted, duplicates, spooled, batches, retries, deleted);
  }

  /** The counts of {@code this} minus those of an earlier snapshot. */
  public IngestStats since(IngestStats earlier) {
    return new IngestStats(
        entries - earlier.entries,
        inserted - earlier.inserted,
        duplicates - earlier.duplicates,
        spooled - earlier.spooled,
        batches - earlier.batches,
        retries - earlier.retries,
        filesDeleted - earlier.filesDeleted);
  }
}
