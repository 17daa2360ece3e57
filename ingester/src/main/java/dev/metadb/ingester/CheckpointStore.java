package dev.metadb.ingester;

import dev.metadb.event.Timestamps;
import dev.metadb.ingester.lines.Ledger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where sources keep their checkpoints: the {@code ingest_checkpoint} table (per writer slot, the
 * Chronicle index of the last entry whose row, or spool line, is committed) and, for inbox files
 * and trails, the {@link Ledger} that replay keeps for spool files.
 *
 * <p>CHECKPOINT RULE. A checkpoint is only ever written inside the transaction that commits the
 * rows of the entries up to it; so after any crash the table and the rows agree, and re-reading
 * from the checkpoint neither skips nor (thanks to INSERT OR IGNORE) duplicates anything.
 */
final class CheckpointStore implements AutoCloseable {
  /** One slot's checkpoint row. */
  record Checkpoint(String slot, long queueIndex, long entries, String updatedAt) {}

  private final Connection connection;
  private final PreparedStatement upsert;

  CheckpointStore(Connection connection) throws SQLException {
    this.connection = connection;
    this.upsert =
        connection.prepareStatement(
            "INSERT INTO ingest_checkpoint (slot, queue_index, entries, updated_at) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (slot) DO UPDATE SET queue_index = excluded.queue_index,"
                + " entries = ingest_checkpoint.entries + excluded.entries, updated_at = excluded.updated_at");
  }

  /** Every slot's checkpoint, by slot name. */
  static Map<String, Checkpoint> load(Connection connection) throws SQLException {
    Map<String, Checkpoint> checkpoints = new HashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs =
            statement.executeQuery("SELECT slot, queue_index, entries, updated_at FROM ingest_checkpoint")) {
      while (rs.next()) {
        Checkpoint c = new Checkpoint(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4));
        checkpoints.put(c.slot(), c);
      }
    }
    return checkpoints;
  }

  /** Moves {@code slot}'s checkpoint to {@code queueIndex}; call inside the batch's transaction. */
  void save(String slot, long queueIndex, long addedEntries, Instant updatedAt) throws SQLException {
    upsert.setString(1, slot);
    upsert.setLong(2, queueIndex);
    upsert.setLong(3, addedEntries);
    upsert.setString(4, Timestamps.format(updatedAt));
    upsert.executeUpdate();
  }

  /** Moves a file's ledger row from {@code previous} (null: none yet) to {@code next}; inside the transaction. */
  void saveFile(Ledger.Entry previous, Ledger.Entry next, Instant updatedAt) throws SQLException {
    Ledger.save(connection, previous, next, updatedAt);
  }

  /** Every file's ledger row. */
  List<Ledger.Entry> files() throws SQLException {
    return Ledger.readAll(connection);
  }

  @Override
  public void close() throws SQLException {
    upsert.close();
  }
}
