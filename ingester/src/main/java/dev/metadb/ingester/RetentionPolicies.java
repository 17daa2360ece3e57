package dev.metadb.ingester;

import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import dev.metadb.store.MetaDatabase;
import dev.metadb.store.WriteTransaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code retention_policy} table: how long rows of each event table, and files of each
 * finished-files directory, are kept.
 *
 * <pre>
 *   table_name        an event table, {@value #DEFAULT} (every table without a row of its own), or
 *                     a directory: {@value #REPLAYED}, {@value #QUARANTINE}, {@value #INBOX_DONE}
 *   max_age_seconds   rows whose ts_utc (files whose mtime) is older are deleted; {@value #KEEP}:
 *                     keep forever
 *   updated_at
 * </pre>
 *
 * <p>Without any row, event rows are kept forever and the directories' files
 * {@link #FILES_DEFAULT} (30 days).
 */
public final class RetentionPolicies {
  public static final String DEFAULT = "*";
  public static final String REPLAYED = "logs/replayed";
  public static final String QUARANTINE = "logs/quarantine";
  public static final String INBOX_DONE = "inbox/done";
  public static final List<String> DIRECTORIES = List.of(REPLAYED, QUARANTINE, INBOX_DONE);
  public static final Duration FILES_DEFAULT = Duration.ofDays(30);
  /** max_age_seconds meaning "keep forever". */
  public static final long KEEP = -1;

  private final Map<String, Long> seconds;

  private RetentionPolicies(Map<String, Long> seconds) {
    this.seconds = seconds;
  }

  /** Every row, by name. */
  public static RetentionPolicies load(Connection connection) throws SQLException {
    Map<String, Long> rows = new LinkedHashMap<>();
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT table_name, max_age_seconds FROM retention_policy ORDER BY table_name")) {
      while (rs.next()) {
        rows.put(rs.getString(1), rs.getLong(2));
      }
    }
    return new RetentionPolicies(rows);
  }

  /** The stored rows, name to max age in seconds ({@link #KEEP}: forever). */
  public Map<String, Long> rows() {
    return Map.copyOf(seconds);
  }

  /** How long rows of {@code table} are kept; empty: forever. */
  public Optional<Duration> forTable(Table table) {
    Long own = seconds.get(table.sqlName());
    Long age = own != null ? own : seconds.get(DEFAULT);
    return age == null || age == KEEP ? Optional.empty() : Optional.of(Duration.ofSeconds(age));
  }

  /** How long files in {@code directory} (one of {@link #DIRECTORIES}) are kept; empty: forever. */
  public Optional<Duration> forDirectory(String directory) {
    Long age = seconds.get(directory);
    if (age == null) {
      return Optional.of(FILES_DEFAULT);
    }
    return age == KEEP ? Optional.empty() : Optional.of(Duration.ofSeconds(age));
  }

  /** Whether {@code name} may carry a policy: an event table, {@link #DEFAULT} or a directory. */
  public static boolean isValidName(String name) {
    return DEFAULT.equals(name) || DIRECTORIES.contains(name) || Table.byName(name).isPresent();
  }

  /** Sets {@code name}'s policy ({@link #KEEP} seconds: keep forever), in its own transaction. */
  public static void set(MetaDatabase db, String name, long maxAgeSeconds, Instant now) throws SQLException {
    try (WriteTransaction tx = db.begin();
        PreparedStatement st = db.connection().prepareStatement(
            "INSERT INTO retention_policy (table_name, max_age_seconds, updated_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (table_name) DO UPDATE SET max_age_seconds = excluded.max_age_seconds,"
                + " updated_at = excluded.updated_at")) {
      st.setString(1, name);
      st.setLong(2, maxAgeSeconds);
      st.setString(3, Timestamps.format(now));
      st.executeUpdate();
      tx.commit();
    }
  }

  /** Removes {@code name}'s policy; returns whether it had one. */
  public static boolean remove(MetaDatabase db, String name) throws SQLException {
    try (WriteTransaction tx = db.begin();
        PreparedStatement st = db.connection().prepareStatement("DELETE FROM retention_policy WHERE table_name = ?")) {
      st.setString(1, name);
      boolean removed = st.executeUpdate() > 0;
      tx.commit();
      return removed;
    }
  }
}
