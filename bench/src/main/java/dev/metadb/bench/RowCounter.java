package dev.metadb.bench;

import dev.metadb.event.Table;
import dev.metadb.store.Schema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Counts rows in a meta.db that another process is writing, through a read-only connection (a
 * reader never blocks a WAL writer). Each call is its own read transaction and so sees every
 * commit made before it.
 */
final class RowCounter implements AutoCloseable {
  private final Connection connection;

  private RowCounter(Connection connection) {
    this.connection = connection;
  }

  /** Opens {@code db} once it exists and carries the current schema, polling every 20 ms. */
  static RowCounter await(Path db, Duration timeout, Process writer) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      if (writer != null && !writer.isAlive()) {
        throw new IllegalStateException("the process creating " + db + " exited " + writer.exitValue());
      }
      if (Files.exists(db)) {
        try {
          Connection c = SeedDatabase.openForReading(db);
          if (SeedDatabase.userVersion(c) == Schema.VERSION) {
            return new RowCounter(c);
          }
          c.close();
        } catch (SQLException e) {
          last = e;
        }
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    throw new IllegalStateException("no schema in " + db + " after " + timeout, last);
  }

  /** {@code count(*)} summed over {@code tables}. */
  long count(List<Table> tables) throws SQLException {
    long total = 0;
    for (Table t : tables) {
      total += single("SELECT count(*) FROM " + t.sqlName());
    }
    return total;
  }

  /**
   * The highest rowid summed over every event table: the row count of tables only ever inserted
   * into, found in O(log n) per table instead of a scan (for polling million-row tables).
   */
  long highestIds() throws SQLException {
    long total = 0;
    for (Table t : Table.values()) {
      total += single("SELECT coalesce(max(id), 0) FROM " + t.sqlName());
    }
    return total;
  }

  /** {@code count(DISTINCT event_id)} summed over {@code tables}: duplicates show as a shortfall. */
  long distinctEventIds(List<Table> tables) throws SQLException {
    long total = 0;
    for (Table t : tables) {
      total += single("SELECT count(DISTINCT event_id) FROM " + t.sqlName());
    }
    return total;
  }

  Connection connection() {
    return connection;
  }

  private long single(String sql) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
