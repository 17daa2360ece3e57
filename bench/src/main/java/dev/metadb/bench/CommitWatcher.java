package dev.metadb.bench;

import dev.metadb.event.Timestamps;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * Measures append-to-committed-row lag from outside: polls meta.db for rows it has not seen
 * ({@code id > last}) and, for each, takes the time it first became visible minus its
 * {@code ts_utc} (stamped by the writer when it wrote). The same measure for both topologies;
 * it overstates the lag by at most one poll interval plus one query.
 */
final class CommitWatcher {
  private final PreparedStatement query;
  private final LongSamples lags = new LongSamples();
  private long lastId;

  CommitWatcher(Connection connection, String table) throws SQLException {
    this.query = connection.prepareStatement("SELECT id, ts_utc FROM " + table + " WHERE id > ? ORDER BY id");
  }

  /** One poll: records the lag of every newly visible row; returns how many there were. */
  int poll() throws SQLException {
    query.setLong(1, lastId);
    int seen = 0;
    try (ResultSet rs = query.executeQuery()) {
      Instant now = Instant.now();
      while (rs.next()) {
        lastId = rs.getLong(1);
        lags.add(Duration.between(Timestamps.parse(rs.getString(2)), now).toNanos());
        seen++;
      }
    }
    return seen;
  }

  /** Marks every row visible now as seen without measuring it (rows of a warm-up). */
  void skipVisible() throws SQLException {
    query.setLong(1, lastId);
    try (ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        lastId = rs.getLong(1);
      }
    }
  }

  int seen() {
    return lags.size();
  }

  long[] lagNanos() {
    return lags.toArray();
  }
}
