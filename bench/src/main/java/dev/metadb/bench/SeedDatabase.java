package dev.metadb.bench;

import dev.metadb.store.Schema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * meta.db opened the way the seed's writers opened it: the baseline topology.
 *
 * <p>The seed's {@code configure_conn} (after its P1 fix): a 10 s busy timeout, read {@code
 * user_version}, and only when it is not the current version create the schema, switch the
 * journal to WAL and set {@code synchronous=NORMAL}. Here {@code synchronous=NORMAL} is set on
 * every connection (the description of the topology; it is a per-connection setting), and
 * the schema is created under {@code BEGIN IMMEDIATE} with the version re-read inside, so writers
 * racing on a fresh file create it once. The DDL is metadb's own ({@link Schema}), so both
 * topologies store identical tables.
 *
 * <p>Statements run in autocommit: each insert is its own transaction, as each seed
 * {@code Db::record_*} call was. The driver's generated-keys query is off, as in the ingester, so
 * the baseline gets the same driver tuning.
 */
final class SeedDatabase {
  /** The seed's busy timeout. */
  static final int BUSY_TIMEOUT_MS = 10_000;

  private SeedDatabase() {}

  /** Opens {@code db} as a seed writer did, creating the schema if the file lacks it. */
  static Connection openForWriting(Path db) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    config.setGetGeneratedKeys(false);
    Connection c = config.createConnection("jdbc:sqlite:" + db);
    try {
      if (userVersion(c) != Schema.VERSION) {
        createSchema(c);
      }
      return c;
    } catch (SQLException e) {
      closeAfterFailure(c, e);
      throw e;
    }
  }

  /** Opens {@code db} read-only with the busy timeout: the baseline's reader. */
  static Connection openForReading(Path db) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(BUSY_TIMEOUT_MS);
    config.setReadOnly(true);
    return config.createConnection("jdbc:sqlite:" + db);
  }

  /** {@code PRAGMA user_version}: one integer read, no table scan. */
  static int userVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); var rs = s.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static void createSchema(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("BEGIN IMMEDIATE");
      try {
        if (userVersion(c) != Schema.VERSION) {
          for (String ddl : Schema.createAll()) {
            s.execute(ddl);
          }
          s.execute("PRAGMA user_version = " + Schema.VERSION);
        }
        s.execute("COMMIT");
      } catch (SQLException e) {
        try {
          s.execute("ROLLBACK");
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    }
  }

  private static void closeAfterFailure(Connection c, SQLException cause) {
    try {
      c.close();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
