package dev.metadb.store;

import dev.metadb.event.Timestamps;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The schema gate every process passes before touching meta.db's tables.
 *
 * <p>RULE. The version is {@code PRAGMA user_version} (one header read, no table scan).
 *
 * <ol>
 *   <li>Equal to {@link Schema#VERSION}: return at once. No DDL, no write, no lock: the common case
 *       costs one read, so a hundred processes opening meta.db never queue on the write lock (the
 *       lock storm the seed system hit by running {@code CREATE TABLE IF NOT EXISTS} on every
 *       open).
 *   <li>Higher: {@link SchemaNewerException}, nothing written.
 *   <li>Lower: {@code BEGIN IMMEDIATE} (the write lock, waiting up to the busy timeout), read the
 *       version again, and only if it is still lower create (version 0: a new file) or migrate
 *       ({@link Migrations}), set {@code user_version}, record who did it in {@code meta}, and
 *       commit, all in that one transaction. Two processes racing here migrate once: the loser
 *       waits on the lock, then reads the new version and does nothing.
 * </ol>
 *
 * <p>A crash inside step 3 rolls back: the file stays at the old version with its old tables.
 */
public final class SchemaGate {
  /** What the gate did. */
  public enum Action {
    /** The file was already at this build's version (possibly because a racing process just migrated it). */
    NONE,
    /** A new, empty file got the current schema. */
    CREATED,
    /** An older schema was migrated to the current one. */
    MIGRATED
  }

  /**
   * @param found the version read under the write lock (or without it, when no lock was needed)
   * @param action what this process did about it
   */
  public record Outcome(int found, Action action) {}

  private SchemaGate() {}

  /**
   * Brings the database behind {@code connection} (autocommit, no open transaction) to {@link
   * Schema#VERSION} as described in the class comment.
   *
   * @param file the database's path, for messages
   * @param progress receives one line before a create or migration starts (e.g. for stderr)
   */
  public static Outcome apply(Connection connection, Path file, Consumer<String> progress)
      throws SQLException, SchemaNewerException {
    int version = readVersion(connection);
    if (version == Schema.VERSION) {
      return new Outcome(version, Action.NONE);
    }
    refuseNewer(file, version);
    progress.accept(
        version == 0
            ? "meta.db: creating schema v" + Schema.VERSION + " in " + file
            : "meta.db: schema v" + version + " is older than this metadb (v" + Schema.VERSION + "): migrating " + file);
    try (WriteTransaction tx = WriteTransaction.begin(connection)) {
      int locked = readVersion(connection);
      if (locked == Schema.VERSION) {
        tx.commit();
        return new Outcome(locked, Action.NONE);
      }
      refuseNewer(file, locked);
      Instant now = Timestamps.now();
      try (Statement statement = connection.createStatement()) {
        if (locked == 0) {
          for (String ddl : Schema.createAll()) {
            statement.execute(ddl);
          }
          putMeta(connection, "created_at", Timestamps.format(now));
          putMeta(connection, "created_by", whoAmI());
        } else {
          Migrations.migrate(connection, locked, now);
          putMeta(connection, "migrated_at", Timestamps.format(now));
          putMeta(connection, "migrated_by", whoAmI() + ", from v" + locked);
        }
        statement.execute("PRAGMA user_version = " + Schema.VERSION);
      }
      tx.commit();
      return new Outcome(locked, locked == 0 ? Action.CREATED : Action.MIGRATED);
    }
  }

  /** {@code PRAGMA user_version}: the schema version, 0 for a new file. */
  public static int readVersion(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  /** Throws when {@code version} is newer than this build's. */
  public static void refuseNewer(Path file, int version) throws SchemaNewerException {
    if (version > Schema.VERSION) {
      throw new SchemaNewerException(file, version);
    }
  }

  private static void putMeta(Connection connection, String key, String value) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)")) {
      ps.setString(1, key);
      ps.setString(2, value);
      ps.executeUpdate();
    }
  }

  private static String whoAmI() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return "metadb schema v" + Schema.VERSION + ", pid " + ProcessHandle.current().pid() + " on " + host;
  }
}
