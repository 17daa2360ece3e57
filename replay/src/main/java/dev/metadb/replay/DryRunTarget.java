package dev.metadb.replay;

import dev.metadb.event.Envelope;
import dev.metadb.ingester.lines.Ledger;
import dev.metadb.store.EventInserter;
import dev.metadb.store.MetaDatabase;
import dev.metadb.store.Schema;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A dry run's target: writes nothing anywhere. It counts a line as a duplicate when its event_id
 * is already in meta.db (looked up through a read-only connection, which never blocks the
 * ingester) or appeared earlier in this run, as an insert otherwise. With no meta.db, or one at
 * an older schema (which a real run would migrate first), every distinct event counts as new and
 * no ledger row exists.
 *
 * <p>Memory: the event_ids of the run are kept (about 150 bytes each; 150 MB for a million lines).
 */
final class DryRunTarget implements ReplayTarget {
  private final MetaDatabase db;
  private final boolean current;
  private final EventInserter lookups;
  private final Set<String> seen = new HashSet<>();

  /** @param db a read-only database at the current schema, or null */
  DryRunTarget(MetaDatabase db) {
    this.db = db;
    this.current = db != null && db.schemaVersion() == Schema.VERSION;
    this.lookups = current ? new EventInserter(db.connection()) : null;
  }

  @Override
  public List<Ledger.Entry> ledger() throws SQLException {
    return current ? Ledger.readAll(db.connection()) : List.of();
  }

  @Override
  public BatchOutcome commit(List<Envelope> batch, Ledger.Entry previous, Ledger.Entry next) throws SQLException {
    int inserted = 0;
    for (Envelope envelope : batch) {
      if (seen.add(envelope.eventId()) && !stored(envelope)) {
        inserted++;
      }
    }
    return new BatchOutcome(inserted, batch.size() - inserted);
  }

  private boolean stored(Envelope envelope) throws SQLException {
    return current && lookups.isStored(envelope.table(), envelope.eventId());
  }

  @Override
  public void moved(Ledger.Entry previous, Ledger.Entry next) {}

  @Override
  public void close() throws SQLException {
    try (db; lookups) {
      // closes the lookups, then the database, whatever either throws
    }
  }
}
