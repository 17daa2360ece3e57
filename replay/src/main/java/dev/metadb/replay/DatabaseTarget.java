package dev.metadb.replay;

import dev.metadb.event.Envelope;
import dev.metadb.event.Timestamps;
import dev.metadb.ingester.lines.Ledger;
import dev.metadb.store.EventInserter;
import dev.metadb.store.MetaDatabase;
import dev.metadb.store.SqliteFailure;
import dev.metadb.store.WriteTransaction;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Batches into meta.db through the ingester's pieces: {@link MetaDatabase} (WAL, busy timeout,
 * schema gate passed on open), {@link WriteTransaction} (BEGIN IMMEDIATE) and {@link
 * EventInserter} (the one INSERT OR IGNORE mapping). A batch's rows and its ledger row commit in
 * one transaction.
 *
 * <p>A transient failure (busy past the timeout, disk full, I/O) rolls the batch back and is
 * retried after a pause, {@value #ATTEMPTS} attempts in all; nothing of a failed attempt stays, so
 * a retry is a clean redo. Then the failure goes to the caller; the ledger keeps what committed.
 */
final class DatabaseTarget implements ReplayTarget {
  static final int ATTEMPTS = 3;
  private static final long FIRST_PAUSE_MILLIS = 500;

  private final MetaDatabase db;
  private final EventInserter inserter;

  DatabaseTarget(MetaDatabase db) {
    this.db = db;
    this.inserter = new EventInserter(db.connection());
  }

  @Override
  public List<Ledger.Entry> ledger() throws SQLException {
    return Ledger.readAll(db.connection());
  }

  @Override
  public BatchOutcome commit(List<Envelope> batch, Ledger.Entry previous, Ledger.Entry next) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        return commitOnce(batch, previous, next);
      } catch (SQLException e) {
        if (attempt == ATTEMPTS || !SqliteFailure.isTransient(e)) {
          throw e;
        }
        pause(FIRST_PAUSE_MILLIS << (attempt - 1), e);
      }
    }
  }

  private BatchOutcome commitOnce(List<Envelope> batch, Ledger.Entry previous, Ledger.Entry next) throws SQLException {
    Instant now = Timestamps.now();
    int inserted = 0;
    try (WriteTransaction tx = db.begin()) {
      for (Envelope envelope : batch) {
        if (inserter.insert(envelope, now)) {
          inserted++;
        }
      }
      Ledger.save(db.connection(), previous, next, now);
      tx.commit();
    }
    return new BatchOutcome(inserted, batch.size() - inserted);
  }

  @Override
  public void moved(Ledger.Entry previous, Ledger.Entry next) throws SQLException {
    commit(List.of(), previous, next);
  }

  private static void pause(long millis, SQLException cause) throws SQLException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      SQLException interrupted = new SQLException("interrupted while waiting to retry a replay batch", e);
      interrupted.addSuppressed(cause);
      throw interrupted;
    }
  }

  @Override
  public void close() throws SQLException {
    try (db; inserter) {
      // closes the inserter's statements, then the database, whatever either throws
    }
  }
}
