package dev.metadb.query;

import dev.metadb.store.MetaDatabase;
import dev.metadb.store.Schema;
import dev.metadb.store.SchemaGate;
import dev.metadb.store.SchemaNewerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A read-only connection to meta.db ({@link MetaDatabase#connectReadOnly}): the only way the read
 * side touches the file.
 *
 * <p>READ-ONLY, TWICE. The file is opened with SQLITE_OPEN_READONLY and as a {@code mode=ro} URI,
 * so SQLite refuses every write on this connection before it could take the write lock, and it
 * never creates the file. Under WAL a reader takes no lock a writer waits for: the ingester
 * commits while snapshots read (the one exception is a TRUNCATE/RESTART checkpoint, which waits
 * for readers; the ingester runs those only when idle). SQLite may create an empty -wal/-shm pair
 * next to the file when none exists; meta.db itself is never changed.
 *
 * <p>CONSISTENCY. {@link #beginRead} starts a read transaction: every statement until
 * {@link #endRead} sees the same committed state, so a watermark and the rows read after it agree.
 *
 * <p>SCHEMA. The version ({@code PRAGMA user_version}) must be {@link Schema#VERSION}: newer is
 * refused as {@link SchemaGate} refuses it (exit 3), older means the ingester has not migrated it
 * yet. Nothing here runs DDL.
 */
final class MetaDbReader implements AutoCloseable {
  private final Path file;
  private final Connection connection;

  private MetaDbReader(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  static MetaDbReader open(Path file) throws QueryException {
    if (!Files.isRegularFile(file)) {
      throw new QueryException(
          QueryException.Kind.FAILURE, "no meta.db at " + file + ": nothing has been ingested yet (run metadb ingest)");
    }
    Connection connection;
    try {
      connection = MetaDatabase.connectReadOnly(file);
    } catch (SQLException e) {
      throw QueryException.failure("cannot open " + file + " read-only: " + e.getMessage(), e);
    }
    MetaDbReader reader = new MetaDbReader(file, connection);
    try {
      reader.checkVersion();
      return reader;
    } catch (QueryException | RuntimeException e) {
      reader.closeAfter(e);
      throw e;
    }
  }

  private void checkVersion() throws QueryException {
    int version;
    try {
      version = SchemaGate.readVersion(connection);
      SchemaGate.refuseNewer(file, version);
    } catch (SchemaNewerException e) {
      throw new QueryException(QueryException.Kind.SCHEMA_NEWER, e.getMessage() + ": use a newer metadb to query it", e);
    } catch (SQLException e) {
      throw QueryException.failure("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (version < Schema.VERSION) {
      throw new QueryException(
          QueryException.Kind.FAILURE,
          "meta.db schema v" + version + " is older than this metadb (v" + Schema.VERSION
              + "): run metadb ingest once to migrate it, then query again");
    }
  }

  Connection connection() {
    return connection;
  }

  /** Starts a read transaction (the read lock is taken by its first SELECT). */
  void beginRead() throws SQLException {
    connection.setAutoCommit(false);
  }

  /** Ends the read transaction, letting checkpoints move past it. */
  void endRead() throws SQLException {
    connection.commit();
    connection.setAutoCommit(true);
  }

  private void closeAfter(Exception failure) {
    try {
      connection.close();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
