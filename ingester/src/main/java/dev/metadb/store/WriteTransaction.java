package dev.metadb.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One write transaction on meta.db: {@code BEGIN IMMEDIATE} on open, {@link #commit()} to keep
 * it, and {@link #close()} rolls back whatever was not committed.
 *
 * <p>WHY NOT {@code setAutoCommit(false)}. sqlite-jdbc begins the next transaction as soon as one
 * commits; with IMMEDIATE mode that holds the database's write lock between batches, starving
 * every other writer (replay, a migrating process). Connections here stay in autocommit and
 * transactions are explicit statements, so the lock is held only from begin to commit.
 *
 * <p>IMMEDIATE takes the write lock at BEGIN (waiting up to the busy timeout) rather than at the
 * first write, so a transaction that read under WAL never fails later with SQLITE_BUSY_SNAPSHOT.
 *
 * <p>Not thread-safe; one per connection at a time. Usage:
 *
 * <pre>
 * try (WriteTransaction tx = db.begin()) {
 *   inserter.insert(envelope, now);
 *   tx.commit();
 * }
 * </pre>
 */
public final class WriteTransaction implements AutoCloseable {
  private final Connection connection;
  private boolean open;

  private WriteTransaction(Connection connection) {
    this.connection = connection;
  }

  /** Begins a write transaction on an autocommit connection, waiting up to its busy timeout. */
  public static WriteTransaction begin(Connection connection) throws SQLException {
    WriteTransaction tx = new WriteTransaction(connection);
    try (Statement statement = connection.createStatement()) {
      statement.execute("BEGIN IMMEDIATE");
    }
    tx.open = true;
    return tx;
  }

  /**
   * Commits. On failure (SQLITE_BUSY, SQLITE_FULL, I/O error) the transaction is not committed and
   * {@link #close()} rolls it back.
   */
  public void commit() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("COMMIT");
    }
    open = false;
  }

  /** Rolls back unless committed. */
  @Override
  public void close() throws SQLException {
    if (!open) {
      return;
    }
    open = false;
    try (Statement statement = connection.createStatement()) {
      statement.execute("ROLLBACK");
    } catch (SQLException e) {
      // SQLite already rolled back on its own after some errors (SQLITE_FULL, SQLITE_IOERR):
      // nothing is left to undo, which is what close() promises.
      if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
        throw e;
      }
    }
  }
}
