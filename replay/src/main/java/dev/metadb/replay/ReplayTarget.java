package dev.metadb.replay;

import dev.metadb.event.Envelope;
import dev.metadb.ingester.lines.Ledger;
import java.sql.SQLException;
import java.util.List;

/**
 * Where replayed batches go: meta.db ({@link DatabaseTarget}) or nowhere, only counted
 * ({@link DryRunTarget}). Chosen once per run, so the replay loop has no dry-run branches.
 */
interface ReplayTarget extends AutoCloseable {
  /** What one batch did: rows inserted, and lines whose event_id was already stored. */
  record BatchOutcome(int inserted, int duplicates) {}

  /** The ledger rows as they are now. */
  List<Ledger.Entry> ledger() throws SQLException;

  /**
   * Applies {@code batch} and moves the ledger from {@code previous} (null: no row yet) to
   * {@code next}, atomically.
   */
  BatchOutcome commit(List<Envelope> batch, Ledger.Entry previous, Ledger.Entry next) throws SQLException;

  /** Re-keys a file's ledger row after the file moved to {@code next.file()}. */
  void moved(Ledger.Entry previous, Ledger.Entry next) throws SQLException;

  @Override
  void close() throws SQLException;
}
