package dev.metadb.store;

import dev.metadb.event.Column;
import dev.metadb.event.Envelope;
import dev.metadb.event.Event;
import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.sqlite.SQLiteErrorCode;

/**
 * The one mapping from an {@link Envelope} to a row: ingest and replay both insert through it, so
 * a row looks the same whichever path brought it.
 *
 * <p>STATEMENT. Per table, prepared once: {@code INSERT OR IGNORE INTO <table> (event_id, ts_utc,
 * host, pid, ingested_at, <columns>) VALUES (?, ...)}, columns in {@link Schema#columnNames}
 * order. OR IGNORE makes a repeated event_id a no-op: that, with the UNIQUE index, is what makes
 * every path idempotent.
 *
 * <p>BINDING. TEXT and JSON as text; INTEGER as a 64-bit integer; BOOLEAN as 0/1; TIMESTAMP as
 * {@link Timestamps#format} text; ENUM as its wire text ({@code inbound}); null as SQL NULL.
 *
 * <p>TRANSACTIONS are the caller's: {@link #insert} runs inside whatever {@link WriteTransaction}
 * is open on the connection (or in autocommit, one transaction per row, if none is).
 *
 * <p>Not thread-safe. {@link #close()} closes the prepared statements, not the connection.
 */
public final class EventInserter implements AutoCloseable {
  /**
   * The most encoded event bytes (queue entries, JSONL lines) a batch takes before it commits,
   * whatever its entry count: ingest and replay both stop filling a batch once it holds this
   * many, so the heap a batch holds is bounded by this plus one event of at most
   * {@link dev.metadb.event.EnvelopeCodec#MAX_LINE_BYTES} (a first entry always fits, whatever
   * its size), not by the batch's entry count times the event size (1,000 events of 10 MiB
   * would need 10 GiB). The ingester holds two batches at once (one committing in the background
   * while the next fills). 8 MiB is about 25,000 typical events, so batches of ordinary events are
   * bounded by their count, as before. Decoded, an event holds no more heap than its encoded
   * bytes: a string of n UTF-8 bytes is at most n bytes in a Java string (Latin-1 one byte per
   * character, UTF-16 two bytes for characters of two or more UTF-8 bytes), and JSON escapes only
   * make the encoded form longer.
   */
  public static final int MAX_BATCH_BYTES = 8 << 20;

  private final Connection connection;
  private final Map<Table, PreparedStatement> statements = new EnumMap<>(Table.class);
  private final Map<Table, PreparedStatement> lookups = new EnumMap<>(Table.class);
  private Instant lastIngestedAt;
  private String lastIngestedAtText;

  public EventInserter(Connection connection) {
    this.connection = connection;
  }

  /** The insert statement for {@code table}. */
  public static String insertSql(Table table) {
    var names = Schema.columnNames(table);
    return "INSERT OR IGNORE INTO " + table.sqlName() + " (" + String.join(", ", names)
        + ") VALUES (" + "?, ".repeat(names.size() - 1) + "?)";
  }

  /**
   * Inserts {@code envelope}'s row unless its event_id is already there.
   *
   * @param ingestedAt the value of the row's {@code ingested_at} (typically one per batch)
   * @return true when the row is new, false when the event_id was already stored
   * @throws SQLIntegrityConstraintViolationException (error code 19, SQLITE_CONSTRAINT) when a
   *     constraint refused the row: only possible for an event built without validation
   * @throws SQLException busy/full/I/O failures
   */
  public boolean insert(Envelope envelope, Instant ingestedAt) throws SQLException {
    Table table = envelope.table();
    PreparedStatement ps = statement(table);
    ps.setString(1, envelope.eventId());
    ps.setString(2, Timestamps.format(envelope.tsUtc()));
    bindText(ps, 3, envelope.host());
    bindLong(ps, 4, envelope.pid());
    ps.setString(5, ingestedAtText(ingestedAt));
    Event event = envelope.event();
    int index = 6;
    for (Column column : table.columns()) {
      bind(ps, index++, column, column.get(event));
    }
    if (ps.executeUpdate() == 1) {
      return true;
    }
    // OR IGNORE also swallows NOT NULL violations; only a stored event_id makes this a duplicate.
    if (!isStored(table, envelope.eventId())) {
      throw new SQLIntegrityConstraintViolationException(
          table.sqlName() + ": row with event_id " + envelope.eventId()
              + " was refused by a constraint (a required column is null)", "23000", SQLiteErrorCode.SQLITE_CONSTRAINT.code);
    }
    return false;
  }

  /** Whether an event with this id is already in {@code table}: the one "already stored?" question. */
  public boolean isStored(Table table, String eventId) throws SQLException {
    PreparedStatement ps = lookups.get(table);
    if (ps == null) {
      ps = connection.prepareStatement("SELECT 1 FROM " + table.sqlName() + " WHERE event_id = ?");
      lookups.put(table, ps);
    }
    ps.setString(1, eventId);
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next();
    }
  }

  private PreparedStatement statement(Table table) throws SQLException {
    PreparedStatement ps = statements.get(table);
    if (ps == null) {
      ps = connection.prepareStatement(insertSql(table));
      statements.put(table, ps);
    }
    return ps;
  }

  private String ingestedAtText(Instant ingestedAt) {
    if (!ingestedAt.equals(lastIngestedAt)) {
      lastIngestedAt = ingestedAt;
      lastIngestedAtText = Timestamps.format(ingestedAt);
    }
    return lastIngestedAtText;
  }

  private static void bind(PreparedStatement ps, int index, Column column, Object value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Schema.sqlType(column.type()).equals("INTEGER") ? Types.INTEGER : Types.VARCHAR);
      return;
    }
    switch (column.type()) {
      case TEXT, JSON -> ps.setString(index, (String) value);
      case INTEGER -> ps.setLong(index, (Long) value);
      case BOOLEAN -> ps.setInt(index, ((Boolean) value) ? 1 : 0);
      case TIMESTAMP -> ps.setString(index, Timestamps.format((Instant) value));
      case ENUM -> ps.setString(index, column.wire((Enum<?>) value));
    }
  }

  private static void bindText(PreparedStatement ps, int index, String value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value);
    }
  }

  private static void bindLong(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.INTEGER);
    } else {
      ps.setLong(index, value);
    }
  }

  /** Closes the prepared statements; the first failure is thrown, the rest suppressed. */
  @Override
  public void close() throws SQLException {
    SQLException first = null;
    List<PreparedStatement> all = new ArrayList<>(statements.values());
    all.addAll(lookups.values());
    for (PreparedStatement ps : all) {
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
    lookups.clear();
    if (first != null) {
      throw first;
    }
  }
}
