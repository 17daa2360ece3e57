package dev.metadb.store;

import dev.metadb.ingester.RowRetention;
import dev.metadb.writer.Home;
import dev.metadb.writer.PrivateFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

/**
 * An open meta.db: one sqlite-jdbc connection, configured the one way every stage uses, that has
 * passed the {@link SchemaGate}.
 *
 * <p>CONNECTION SETTINGS (write opens).
 *
 * <pre>
 *   journal_mode        WAL       readers never block the writer, the writer never blocks readers
 *   synchronous         NORMAL    WAL + NORMAL: a power cut may lose the last commits, never corrupts
 *   busy_timeout        10 s      how long BEGIN IMMEDIATE waits for another writer
 *   transaction mode    IMMEDIATE write lock at BEGIN, see {@link WriteTransaction}
 *   jdbc.get_generated_keys  off  sqlite-jdbc otherwise runs last_insert_rowid() after every insert
 *   autocommit          on        transactions are explicit, see {@link WriteTransaction}
 * </pre>
 *
 * <p>Read-only opens ({@link #openReadOnly}) set only the busy timeout and open the file with
 * SQLITE_OPEN_READONLY: they never create, migrate or change the journal mode, and under WAL they
 * do not block the ingester.
 *
 * <p>FAILURES. A file that is not SQLite gives {@link NotADatabaseException} before anything is
 * written to it (SQLite checks the header on the first read; the WAL pragma is that read). A
 * newer schema gives {@link SchemaNewerException}. Anything else is a plain {@link SQLException}
 * (busy, full, I/O) that a caller may retry.
 *
 * <p>Not thread-safe: one thread uses an instance at a time.
 */
public final class MetaDatabase implements AutoCloseable {
  /** How long a write waits for the database lock held by another process, in milliseconds. */
  public static final int BUSY_TIMEOUT_MILLIS = 10_000;

  /** How long an idle-time WAL checkpoint waits for other connections, in milliseconds. */
  public static final int CHECKPOINT_BUSY_MILLIS = 100;

  private final Path file;
  private final Connection connection;
  private final SchemaGate.Outcome gate;

  private MetaDatabase(Path file, Connection connection, SchemaGate.Outcome gate) {
    this.file = file;
    this.connection = connection;
    this.gate = gate;
  }

  /** {@link #open(Path, Consumer)} without progress lines. */
  public static MetaDatabase open(Path file) throws IOException, SQLException, MetaDatabaseException {
    return open(file, line -> {});
  }

  /**
   * Opens {@code file} for writing, creating it (and its directory, 0700) if missing, and passes
   * the schema gate: creates, migrates or refuses (see {@link SchemaGate}).
   *
   * @param progress receives one line when the schema is created or migrated
   */
  public static MetaDatabase open(Path file, Consumer<String> progress)
      throws IOException, SQLException, MetaDatabaseException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      Home.createPrivateDirectories(parent);
    }
    createPrivately(file);
    prepareNewFile(file);
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    return connectAndGate(file, config, true, progress);
  }

  /**
   * Creates {@code file} 0600 before SQLite opens it (SQLite gives the -wal and -shm files the
   * database file's mode), makes an existing one owner-only, and refuses a symbolic link at it or
   * at its -wal, -shm or -journal file: SQLite would follow one.
   */
  private static void createPrivately(Path file) throws IOException {
    for (String suffix : new String[] {"-wal", "-shm", "-journal"}) {
      PrivateFiles.refuseLink(file.resolveSibling(file.getFileName() + suffix));
    }
    PrivateFiles.createIfMissing(file);
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    if (!Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE).containsAll(mode)) {
      Files.setPosixFilePermissions(file, EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    }
  }

  /**
   * Opens an existing {@code file} read-only. Refuses a newer schema like a write open; an older
   * one is reported by {@link #schemaVersion()}, not migrated.
   *
   * @throws NoSuchFileException when there is no file yet
   */
  public static MetaDatabase openReadOnly(Path file) throws IOException, SQLException, MetaDatabaseException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "no meta.db yet (run metadb ingest)");
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    return connectAndGate(file, config, false, line -> {});
  }

  /**
   * Gives a file that does not exist yet (or is empty) {@code auto_vacuum = INCREMENTAL}, so
   * retention can give deleted rows' pages back ({@link RowRetention}) without rewriting the file.
   * SQLite takes the setting only before the first page is written, and switching to WAL writes
   * it: so this runs before the WAL open, on a plain connection. Files created by earlier builds
   * keep auto_vacuum NONE (changing it needs a full VACUUM); their freed pages are reused.
   */
  private static void prepareNewFile(Path file) throws IOException, SQLException {
    if (Files.exists(file) && Files.size(file) > 0) {
      return;
    }
    try (Connection connection = JDBC.createConnection(url(file, true), new java.util.Properties());
        Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA auto_vacuum = INCREMENTAL");
      statement.execute("PRAGMA journal_mode = WAL");
    }
  }

  /**
   * A connection that can only read {@code file}: SQLITE_OPEN_READONLY and a {@code mode=ro} URI
   * (SQLite refuses every write before it could take a lock, and never creates the file). No
   * schema gate: the caller reads the version itself ({@code metadb verify} reports a newer one
   * instead of refusing). Under WAL it never blocks the ingester.
   */
  public static Connection connectReadOnly(Path file) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    return JDBC.createConnection(url(file, false), config.toProperties());
  }

  /** The one place a meta.db URL is made: a read-only open is also a {@code mode=ro} URI. */
  private static String url(Path file, boolean write) {
    return write ? "jdbc:sqlite:" + file.toAbsolutePath() : "jdbc:sqlite:file:" + file.toAbsolutePath() + "?mode=ro";
  }

  private static MetaDatabase connectAndGate(
      Path file, SQLiteConfig config, boolean write, Consumer<String> progress)
      throws SQLException, MetaDatabaseException {
    config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    config.setGetGeneratedKeys(false);
    Connection connection = null;
    try {
      connection = JDBC.createConnection(url(file, write), config.toProperties());
      SchemaGate.Outcome gate;
      if (write) {
        gate = SchemaGate.apply(connection, file, progress);
      } else {
        int version = SchemaGate.readVersion(connection);
        SchemaGate.refuseNewer(file, version);
        gate = new SchemaGate.Outcome(version, SchemaGate.Action.NONE);
      }
      return new MetaDatabase(file, connection, gate);
    } catch (SQLException e) {
      closeQuietly(connection, e);
      if (SqliteFailure.of(e) == SqliteFailure.NOT_A_DATABASE) {
        throw new NotADatabaseException(file, e);
      }
      throw e;
    } catch (MetaDatabaseException | RuntimeException e) {
      closeQuietly(connection, e);
      throw e;
    }
  }

  /** Begins a {@code BEGIN IMMEDIATE} transaction; see {@link WriteTransaction}. */
  public WriteTransaction begin() throws SQLException {
    return WriteTransaction.begin(connection);
  }

  /**
   * {@code PRAGMA wal_checkpoint(TRUNCATE)}: copies the WAL into the database and truncates it,
   * so readers that hold old snapshots cannot make it grow without bound. Meant for idle moments:
   * it waits at most {@link #CHECKPOINT_BUSY_MILLIS} for other writers and readers (not the 10 s
   * busy timeout), so an idle-time checkpoint never holds up the next batch or a shutdown.
   *
   * @return true when the checkpoint completed; false when a reader or writer kept it from
   *     finishing (the next idle moment tries again)
   */
  public boolean checkpointWal() throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout = " + CHECKPOINT_BUSY_MILLIS);
      try (ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
        return rs.next() && rs.getInt(1) == 0;
      } finally {
        statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
      }
    }
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  /** The connection, in autocommit mode. Use {@link #begin()} for writes. */
  public Connection connection() {
    return connection;
  }

  /** The schema version after the gate ({@link Schema#VERSION} for write opens). */
  public int schemaVersion() {
    return gate.action() == SchemaGate.Action.NONE ? gate.found() : Schema.VERSION;
  }

  /** What the schema gate did on open. */
  public SchemaGate.Outcome gateOutcome() {
    return gate;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }

  private static void closeQuietly(Connection connection, Exception primary) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (SQLException e) {
      primary.addSuppressed(e);
    }
  }
}
