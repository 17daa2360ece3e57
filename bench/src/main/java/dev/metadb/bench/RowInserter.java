package dev.metadb.bench;

import dev.metadb.event.Column;
import dev.metadb.event.Envelope;
import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import dev.metadb.store.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * Inserts envelopes as rows of metadb's schema ({@link Schema}), one prepared statement per table,
 * for the writers that bypass the queue: the direct-SQLite baseline and the raw batched-insert
 * ceiling. Values are bound as the schema stores them: TEXT, JSON and ENUM as text, INTEGER as
 * integer, BOOLEAN as 0/1, TIMESTAMP as fixed-width UTC text.
 *
 * <p>Not thread-safe: one per connection. {@link #close()} closes the statements, not the
 * connection.
 */
final class RowInserter implements AutoCloseable {
  private final Connection connection;
  private final String verb;
  private final Map<Table, PreparedStatement> statements = new EnumMap<>(Table.class);

  /**
   * @param orIgnore {@code INSERT OR IGNORE} (the ingester's idempotent form) instead of the
   *     seed's plain {@code INSERT}
   */
  RowInserter(Connection connection, boolean orIgnore) {
    this.connection = connection;
    this.verb = orIgnore ? "INSERT OR IGNORE INTO " : "INSERT INTO ";
  }

  /** Inserts (or, batched, queues) one row; {@code ingestedAt} fills the ingested_at column. */
  void insert(Envelope envelope, Instant ingestedAt, boolean batch) throws SQLException {
    PreparedStatement ps = statement(envelope.table());
    bind(ps, envelope, ingestedAt);
    if (batch) {
      ps.addBatch();
    } else {
      ps.executeUpdate();
    }
  }

  /** Executes every statement's pending batch. */
  void flush() throws SQLException {
    for (PreparedStatement ps : statements.values()) {
      ps.executeBatch();
    }
  }

  private PreparedStatement statement(Table table) throws SQLException {
    PreparedStatement ps = statements.get(table);
    if (ps == null) {
      var names = Schema.columnNames(table);
      String sql = verb + table.sqlName() + " (" + String.join(", ", names) + ") VALUES ("
          + "?, ".repeat(names.size() - 1) + "?)";
      ps = connection.prepareStatement(sql);
      statements.put(table, ps);
    }
    return ps;
  }

  private static void bind(PreparedStatement ps, Envelope envelope, Instant ingestedAt) throws SQLException {
    ps.setString(1, envelope.eventId());
    ps.setString(2, Timestamps.format(envelope.tsUtc()));
    ps.setString(3, envelope.host());
    if (envelope.pid() == null) {
      ps.setNull(4, Types.INTEGER);
    } else {
      ps.setLong(4, envelope.pid());
    }
    ps.setString(5, Timestamps.format(ingestedAt));
    int i = 6;
    for (Column column : envelope.table().columns()) {
      Object value = column.get(envelope.event());
      if (value == null) {
        ps.setNull(i++, Types.NULL);
        continue;
      }
      switch (column.type()) {
        case TEXT, JSON -> ps.setString(i, (String) value);
        case ENUM -> ps.setString(i, column.wire((Enum<?>) value));
        case INTEGER -> ps.setLong(i, (Long) value);
        case BOOLEAN -> ps.setInt(i, ((Boolean) value) ? 1 : 0);
        case TIMESTAMP -> ps.setString(i, Timestamps.format((Instant) value));
      }
      i++;
    }
  }

  @Override
  public void close() throws SQLException {
    SQLException first = null;
    for (PreparedStatement ps : statements.values()) {
      try {
        ps.close();
      } catch (SQLException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    statements.clear();
    if (first != null) {
      throw first;
    }
  }
}
