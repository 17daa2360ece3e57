package dev.metadb.store;

import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every schema version this build can migrate from, frozen, and the steps between them.
 *
 * <p>FROZEN DDL. {@link #V1_DDL} is the v1 schema as v1 builds created it, literal text: it must
 * never be derived from the current model, or "v1" would silently change with every new column.
 * When {@link Schema#VERSION} moves to 3, the v2 DDL is frozen here the same way and the v1 to v2
 * step keeps producing it; only the last step targets {@link Schema}.
 *
 * <p>WHAT v2 CHANGED.
 *
 * <ol>
 *   <li>Every event table gained {@code ingested_at TEXT NOT NULL} after {@code pid}. Rows from v1
 *       get the migration time: v1 never recorded when a row arrived, and the migration is the
 *       earliest moment this build can vouch for.
 *   <li>Every event table gained the index {@code <table>_ts_utc}.
 *   <li>{@code ingest_checkpoint} gained {@code entries} (entries taken from the slot since it was
 *       first seen; 0 for slots checkpointed under v1).
 *   <li>{@code replay_ledger} is new.
 * </ol>
 *
 * <p>WHAT v3 CHANGED. Only new control tables: {@code retention_policy} and {@code
 * export_watermark}. No existing DDL changed, so the v1 to v2 step (whose DDL constants are still
 * current) still produces exactly v2.
 *
 * <p>EXACTNESS. A migrated file has exactly the DDL of a file created by {@link Schema#createAll()}
 * (same {@code sqlite_master.sql} text): a table whose columns change is rebuilt (rename the old
 * one aside, create the new one from {@link Schema}, copy the rows with their {@code id}s, drop
 * the old one) instead of {@code ALTER TABLE ADD COLUMN}, which would put the column last and
 * leave different DDL text behind.
 *
 * <p>Steps run inside the caller's {@code BEGIN IMMEDIATE} transaction ({@link SchemaGate}), so a
 * crash mid-migration leaves the file at the old version, untouched.
 */
final class Migrations {
  /** The schema of metadb builds with {@code PRAGMA user_version = 1}. */
  static final List<String> V1_DDL =
      List.of(
          "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
          "CREATE TABLE ingest_checkpoint (slot TEXT PRIMARY KEY, queue_index INTEGER NOT NULL, updated_at TEXT NOT NULL)",
      "CREATE TABLE messages (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " source TEXT NOT NULL, direction TEXT NOT NULL, chat_id TEXT, from_agent TEXT, to_agent TEXT, body TEXT, raw_json TEXT)",
      "CREATE TABLE cli_invocations (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " bin TEXT NOT NULL, argv_json TEXT, exit_code INTEGER, duration_ms INTEGER)",
      "CREATE TABLE crashes (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " kind TEXT NOT NULL, agent TEXT, detail_json TEXT)",
      "CREATE TABLE ticks (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " source TEXT NOT NULL, detail_json TEXT)",
      "CREATE TABLE workspaces (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " name TEXT NOT NULL, branch TEXT, ts_utc_created TEXT, ts_utc_deleted TEXT, verdict TEXT)",
      "CREATE TABLE sessions (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " agent TEXT NOT NULL, session_num INTEGER, event TEXT NOT NULL)",
      "CREATE TABLE clone_dispatches (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " clone_id TEXT NOT NULL, agent TEXT, brief TEXT, branch TEXT, status TEXT, exit_code INTEGER, detail_json TEXT)",
      "CREATE TABLE harvest_events (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " source_branch TEXT NOT NULL, target_branch TEXT, commit_sha TEXT, status TEXT, conflicts INTEGER, detail_json TEXT)",
      "CREATE TABLE communication_events (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " source TEXT NOT NULL, tool TEXT, direction TEXT, message_id TEXT, chat_id TEXT, handle TEXT, agent TEXT, body TEXT, status TEXT, detail_json TEXT)",
      "CREATE TABLE mcp_tool_calls (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " source TEXT, tool TEXT NOT NULL, agent TEXT, ts_utc_start TEXT, ts_utc_end TEXT, duration_ms INTEGER, success INTEGER, error TEXT, timeout_race INTEGER, request_json TEXT, response_json TEXT)",
      "CREATE TABLE git_operations (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " operation TEXT NOT NULL, repo TEXT, branch TEXT, remote TEXT, from_sha TEXT, to_sha TEXT, status TEXT, detail_json TEXT)",
      "CREATE TABLE owner_directives (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " source TEXT NOT NULL, chat_id TEXT, raw_text TEXT, resolved_action TEXT, agent TEXT, status TEXT, detail_json TEXT)",
      "CREATE TABLE token_usage (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " session_id TEXT, agent TEXT, runtime TEXT, model TEXT NOT NULL, input_tokens INTEGER, output_tokens INTEGER, cached_input_tokens INTEGER, cost_usd_micros INTEGER, detail_json TEXT)",
      "CREATE TABLE watchdog_events (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " event TEXT NOT NULL, agent TEXT, severity TEXT, status TEXT, detail_json TEXT)",
      "CREATE TABLE source_errors (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " source TEXT NOT NULL, error_class TEXT NOT NULL, count INTEGER, detail_json TEXT)",
      "CREATE TABLE iroh_events (id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, ts_utc TEXT NOT NULL, host TEXT, pid INTEGER,"
          + " event_type TEXT NOT NULL, peer_hash TEXT, detail_json TEXT)");

  private Migrations() {}

  /**
   * Migrates from {@code from} up to {@link Schema#VERSION}, inside the caller's write
   * transaction. Does not touch {@code user_version}: the caller sets it with the same commit.
   *
   * @param now the migration time, stamped on rows that did not record their own ingest time
   */
  static void migrate(Connection connection, int from, Instant now) throws SQLException {
    if (from < 1 || from >= Schema.VERSION) {
      throw new IllegalArgumentException("no migration from schema v" + from + " to v" + Schema.VERSION);
    }
    // One case per step, in order.
    if (from < 2) {
      v1ToV2(connection, now);
    }
    v2ToV3(connection);
  }

  private static void v2ToV3(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(Schema.RETENTION_POLICY_DDL);
      statement.execute(Schema.EXPORT_WATERMARK_DDL);
    }
  }

  private static void v1ToV2(Connection connection, Instant now) throws SQLException {
    String migratedAt = quote(Timestamps.format(now));
    try (Statement statement = connection.createStatement()) {
      rebuild(statement, "ingest_checkpoint", Schema.INGEST_CHECKPOINT_DDL, "0 AS entries", "entries");
      statement.execute(Schema.REPLAY_LEDGER_DDL);
      for (Table table : Table.values()) {
        rebuild(statement, table.sqlName(), Schema.createTable(table), migratedAt, "ingested_at");
        statement.execute(Schema.createTsIndex(table));
      }
    }
  }

  /**
   * Replaces {@code table} by {@code newDdl}, copying every row: the old columns by name, and
   * {@code addedColumn} filled with {@code addedValue} (an SQL expression).
   */
  private static void rebuild(
      Statement statement, String table, String newDdl, String addedValue, String addedColumn)
      throws SQLException {
    String old = table + "_v1";
    statement.execute("ALTER TABLE " + table + " RENAME TO " + old);
    statement.execute(newDdl);
    List<String> columns = columns(statement, old);
    String names = String.join(", ", columns);
    statement.execute(
        "INSERT INTO " + table + " (" + names + ", " + addedColumn + ") SELECT " + names + ", "
            + addedValue + " FROM " + old);
    statement.execute("DROP TABLE " + old);
  }

  private static List<String> columns(Statement statement, String table) throws SQLException {
    List<String> names = new ArrayList<>();
    try (ResultSet rs = statement.executeQuery("PRAGMA table_info(" + table + ")")) {
      while (rs.next()) {
        names.add(rs.getString("name"));
      }
    }
    return names;
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
