package dev.metadb.ingester;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code ingest_checkpoint} table: per writer slot, the Chronicle index of the last entry
 * whose row (or spool line) is committed.
 *
 * <p>CHECKPOINT RULE. A checkpoint is only ever written inside the transaction that commits the
 * rows of the entries up to it; so after any crash the table and the rows agree, and re-reading
 * from the checkpoint neither skips nor (thanks to INSERT OR IGNORE) duplicates anything.
 */
final class CheckpointStore implements AutoCloseable {
  /** One slot's checkpoint row. */
  record Checkpoint(String slot, long queueIndex, long entries, String updatedAt) {}

  private final PreparedStatement upsert;

  CheckpointStore(Connection connection) throws SQLException {
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
  void save(String slot, long queueIndex, long addedEntries, String updatedAt) throws SQLException {
    upsert.setString(1, slot);
    upsert.setLong(2, queueIndex);
    upsert.setLong(3, addedEntries);
    upsert.setString(4, updatedAt);
    upsert.executeUpdate();
  }

  @Override
  public void close() throws SQLException {
    upsert.close();
  }
}
