package dev.metadb.ingester;

import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import dev.metadb.store.MetaDatabase;
import dev.metadb.store.SqliteFailure;
import dev.metadb.store.WriteTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.sqlite.SQLiteConnection;

/**
 * Deletes event rows older than their table's {@link RetentionPolicies retention policy}, a few
 * at a time, in the ingester's idle moments ({@link #runIdle}), and gives the space back.
 *
 * <p>WHICH ROWS. Of table T with max age A at time now, a row goes when all of these hold:
 *
 * <ol>
 *   <li>{@code ts_utc < now - A} (the recording time, not the ingest time);
 *   <li>it is not T's newest row ({@code id < max(id)}): SQLite gives a new row max(id) + 1, so
 *       keeping the newest keeps ids growing forever, which {@code metadb tail} relies on;
 *   <li>when any lake export is registered ({@code export_watermark} has rows), its id is at or
 *       below every lake's watermark for T: a row not yet exported everywhere stays.
 * </ol>
 *
 * <p>HOW. Each batch is one {@code BEGIN IMMEDIATE} transaction deleting at most {@link
 * #BATCH_ROWS} rows, oldest ts_utc first (the ts_utc index serves it), and adding their number to
 * meta's {@code rows_deleted:<table>} counter in the same transaction; query's snapshots compare
 * that counter to notice deletions. The busy timeout is lowered to {@link #BUSY_MILLIS} meanwhile:
 * an idle-time delete never waits long for another writer. Batches repeat until the budget is
 * spent. When a round finds nothing more to delete, {@code PRAGMA incremental_vacuum} returns
 * free pages to the file system (databases created with auto_vacuum=INCREMENTAL; on older files
 * the pages stay on SQLite's free list and are reused by new rows, so the file stops growing at
 * its peak size instead), and the next look is {@link #CHECK_INTERVAL} later.
 *
 * <p>Not thread-safe: the ingester's loop thread owns it, with its connection.
 */
public final class RowRetention {
  static final int BATCH_ROWS = 500;
  static final int BUSY_MILLIS = 100;
  /** Pages given back per idle moment at most (4 KiB each). */
  static final int VACUUM_PAGES = 512;
  static final Duration CHECK_INTERVAL = Duration.ofMinutes(1);

  private final MetaDatabase db;
  private final Supplier<Instant> clock;
  private final Consumer<String> log;
  private final Map<Table, PreparedStatement> deletes = new EnumMap<>(Table.class);
  private long nextCheckNanos;
  private long deletedTotal;
  private boolean vacuumPending;

  /**
   * @param clock the time policies are measured against (the soak test runs a simulated year)
   */
  public RowRetention(MetaDatabase db, Supplier<Instant> clock, Consumer<String> log) {
    this.db = db;
    this.clock = clock;
    this.log = log;
  }

  /** The meta key counting rows retention deleted from {@code table}. */
  public static String deletedRowsKey(Table table) {
    return "rows_deleted:" + table.sqlName();
  }

  /** Rows deleted since construction. */
  public long deletedTotal() {
    return deletedTotal;
  }

  /** Whether the last look found nothing to delete and no page to give back (until the next look). */
  public boolean resting() {
    return System.nanoTime() - nextCheckNanos < 0;
  }

  /** Makes the next {@link #runIdle} look at once (a policy changed, or a test's clock moved). */
  public void wake() {
    nextCheckNanos = System.nanoTime();
  }

  /**
   * Deletes expired rows for about {@code budget} (at least one round of one batch per table,
   * which may overrun it), then returns the number deleted. A call that finds nothing to delete
   * gives back one chunk of free pages instead. Does nothing until the next check is due.
   */
  public long runIdle(Duration budget) throws SQLException {
    long start = System.nanoTime();
    if (start - nextCheckNanos < 0) {
      return 0;
    }
    long deadline = start + budget.toNanos();
    long deleted = 0;
    setBusyTimeout(BUSY_MILLIS);
    try {
      RetentionPolicies policies = RetentionPolicies.load(db.connection());
      Instant now = clock.get();
      boolean more;
      do {
        more = false;
        for (Table table : Table.values()) {
          Optional<Duration> age = policies.forTable(table);
          if (age.isPresent()) {
            int n = deleteBatch(table, Timestamps.format(now.minus(age.get())));
            deleted += n;
            more |= n == BATCH_ROWS;
          }
        }
      } while (more && System.nanoTime() - deadline < 0);
      vacuumPending |= deleted > 0;
      if (!more && deleted == 0) {
        // Nothing left to delete: give pages back, one chunk per idle moment, then rest.
        if (vacuumPending) {
          vacuumPending = incrementalVacuum() == VACUUM_PAGES;
        }
        if (!vacuumPending) {
          nextCheckNanos = System.nanoTime() + CHECK_INTERVAL.toNanos();
        }
      }
    } catch (SQLException e) {
      if (!SqliteFailure.isTransient(e)) {
        throw e;
      }
      // Another writer holds the lock: this is not an idle moment after all; try again later.
      log.accept("retention: " + e.getMessage() + " (will retry)");
    } finally {
      setBusyTimeout(MetaDatabase.BUSY_TIMEOUT_MILLIS);
    }
    deletedTotal += deleted;
    if (deleted > 0) {
      log.accept("retention: deleted " + deleted + " expired rows in "
          + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
    }
    return deleted;
  }

  /** One transaction: up to BATCH_ROWS of the oldest expired rows of {@code table}, and the counter. */
  private int deleteBatch(Table table, String cutoff) throws SQLException {
    Connection connection = db.connection();
    try (WriteTransaction tx = db.begin()) {
      long exportLimit = exportLimit(connection, table);
      if (exportLimit <= 0) {
        tx.commit();
        return 0;
      }
      PreparedStatement delete = deletes.get(table);
      if (delete == null) {
        String t = table.sqlName();
        delete = connection.prepareStatement("DELETE FROM " + t + " WHERE id IN (SELECT id FROM " + t
            + " WHERE ts_utc < ? AND id < (SELECT max(id) FROM " + t + ") AND id <= ? ORDER BY ts_utc LIMIT " + BATCH_ROWS + ")");
        deletes.put(table, delete);
      }
      delete.setString(1, cutoff);
      delete.setLong(2, exportLimit);
      int n = delete.executeUpdate();
      if (n > 0) {
        try (PreparedStatement count = connection.prepareStatement(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
                + " value = CAST(CAST(meta.value AS INTEGER) + CAST(excluded.value AS INTEGER) AS TEXT)")) {
          count.setString(1, deletedRowsKey(table));
          count.setString(2, Long.toString(n));
          count.executeUpdate();
        }
      }
      tx.commit();
      return n;
    }
  }

  /**
   * The highest id of {@code table} every registered lake has exported; Long.MAX_VALUE when no
   * lake is registered, 0 when a lake has no watermark for the table yet.
   */
  static long exportLimit(Connection connection, Table table) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(
        "SELECT (SELECT count(DISTINCT lake) FROM export_watermark),"
            + " (SELECT count(*) FROM export_watermark WHERE table_name = ?),"
            + " (SELECT min(last_id) FROM export_watermark WHERE table_name = ?)")) {
      st.setString(1, table.sqlName());
      st.setString(2, table.sqlName());
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        long lakes = rs.getLong(1);
        if (lakes == 0) {
          return Long.MAX_VALUE;
        }
        return rs.getLong(2) < lakes ? 0 : rs.getLong(3);
      }
    }
  }

  /** Gives back up to VACUUM_PAGES free pages; returns how many were free to give (at most that). */
  private int incrementalVacuum() throws SQLException {
    long free;
    try (Statement st = db.connection().createStatement(); ResultSet rs = st.executeQuery("PRAGMA freelist_count")) {
      free = rs.next() ? rs.getLong(1) : 0;
    }
    if (free == 0) {
      return 0;
    }
    // The pragma frees one page per step, and a JDBC statement (and the driver's exec()) steps
    // once: the driver's native sqlite3_exec runs it to the end (measured: 1 page against 100).
    int rc = db.connection().unwrap(SQLiteConnection.class).getDatabase()._exec("PRAGMA incremental_vacuum(" + VACUUM_PAGES + ")");
    if (rc != 0) {
      throw new SQLException("PRAGMA incremental_vacuum failed (SQLite result code " + rc + ")", null, rc);
    }
    return (int) Math.min(free, VACUUM_PAGES);
  }

  private void setBusyTimeout(int millis) throws SQLException {
    try (Statement st = db.connection().createStatement()) {
      st.execute("PRAGMA busy_timeout = " + millis);
    }
  }

  /** Closes the prepared statements. */
  public void close() throws SQLException {
    for (PreparedStatement st : deletes.values()) {
      st.close();
    }
    deletes.clear();
  }
}
