package dev.metadb.containers;

import dev.metadb.event.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import org.sqlite.SQLiteConfig;

/**
 * What reached meta.db, read from the host with plain sqlite-jdbc (read-only, so the ingester in
 * its container is never blocked).
 */
final class Landed {
  private Landed() {}

  /** One row's envelope columns. */
  record Row(String eventId, String host, long pid) {}

  /**
   * Every row of every event table. A list, not a set, so a duplicate would show (the UNIQUE
   * event_id makes one impossible within a table; across tables it is not).
   */
  static List<Row> rows(Path metaDb) throws SQLException {
    List<Row> rows = new ArrayList<>();
    if (!Files.exists(metaDb)) {
      return rows;
    }
    try (Connection c = open(metaDb); Statement s = c.createStatement()) {
      for (Table t : Table.values()) {
        try (ResultSet rs = s.executeQuery("SELECT event_id, host, pid FROM " + t.sqlName())) {
          while (rs.next()) {
            rows.add(new Row(rs.getString(1), rs.getString(2), rs.getLong(3)));
          }
        }
      }
    }
    return rows;
  }

  /** Rows over all event tables; 0 before the ingester has created meta.db. */
  static long count(Path metaDb) throws SQLException {
    if (!Files.exists(metaDb)) {
      return 0;
    }
    long n = 0;
    try (Connection c = open(metaDb); Statement s = c.createStatement()) {
      for (Table t : Table.values()) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + t.sqlName())) {
          rs.next();
          n += rs.getLong(1);
        }
      }
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains("no such table")) {
        return 0; // the ingester is creating the schema right now
      }
      throw e;
    }
    return n;
  }

  /** Polls {@link #count} every 100 ms until it satisfies {@code until}; returns the last count. */
  static long awaitCount(Path metaDb, LongPredicate until, Duration timeout) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long n = count(metaDb);
    while (!until.test(n) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      n = count(metaDb);
    }
    return n;
  }

  private static Connection open(Path metaDb) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    return config.createConnection("jdbc:sqlite:" + metaDb);
  }
}
