package dev.metadb.bench;

import dev.metadb.event.Timestamps;
import dev.metadb.store.Schema;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.Random;

/**
 * The query benchmark's large table: clone_dispatches rows with ids and timestamps growing one
 * millisecond apart (time order, as the ingester appends them), 25 agents, one exit code in twenty
 * NULL. Written straight through sqlite-jdbc, so the table's size costs no ingester time.
 */
final class DispatchRows {
  private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
  private static final String[] STATUSES = {"ok", "failed", "timeout", "running"};
  private static final String INSERT = "INSERT INTO clone_dispatches (event_id, ts_utc, host, pid, ingested_at, clone_id,"
      + " agent, brief, branch, status, exit_code, detail_json) VALUES (?, ?, 'bench', 1, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final Home home;
  private long nextId;

  private DispatchRows(Home home) {
    this.home = home;
  }

  /** A new meta.db in {@code home} with metadb's schema, WAL, and no rows yet. */
  static DispatchRows create(Home home) throws IOException, SQLException {
    Home.createPrivateDirectories(home.dir());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.metaDb()); Statement st = c.createStatement()) {
      st.execute("PRAGMA journal_mode=WAL");
      for (String ddl : Schema.createAll()) {
        st.execute(ddl);
      }
      st.execute("PRAGMA user_version=" + Schema.VERSION);
    }
    return new DispatchRows(home);
  }

  /** Appends the next {@code count} rows in one transaction. */
  void append(int count) throws SQLException {
    Random random = new Random(nextId);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.metaDb())) {
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA busy_timeout=10000");
      }
      c.setAutoCommit(false);
      try (PreparedStatement insert = c.prepareStatement(INSERT)) {
        for (int i = 0; i < count; i++) {
          long id = nextId++;
          String ts = Timestamps.format(START.plusMillis(id));
          insert.setString(1, String.format("0193%012x-bench", id));
          insert.setString(2, ts);
          insert.setString(3, ts);
          insert.setString(4, "clone-" + id);
          insert.setString(5, "agent-" + random.nextInt(25));
          insert.setString(6, "brief " + random.nextInt(1000));
          insert.setString(7, "branch-" + random.nextInt(50));
          insert.setString(8, STATUSES[random.nextInt(STATUSES.length)]);
          if (random.nextInt(20) == 0) {
            insert.setNull(9, Types.INTEGER);
          } else {
            insert.setLong(9, random.nextInt(4));
          }
          insert.setString(10, "{\"n\":" + id + "}");
          insert.addBatch();
          if (i % 10_000 == 9_999) {
            insert.executeBatch();
          }
        }
        insert.executeBatch();
      }
      c.commit();
    }
  }
}
