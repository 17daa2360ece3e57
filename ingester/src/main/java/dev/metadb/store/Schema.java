package dev.metadb.store;

import dev.metadb.event.Column;
import dev.metadb.event.ColumnType;
import dev.metadb.event.Table;
import java.util.ArrayList;
import java.util.List;

/**
 * The current meta.db schema, derived from the event model ({@link Table}).
 *
 * <p>EVENT TABLES. One SQL table per event table, named as the table, with these columns in
 * this order:
 *
 * <pre>
 *   id           INTEGER PRIMARY KEY   rowid; grows with every insert, so it is the
 *                                      watermark incremental readers extend from
 *   event_id     TEXT NOT NULL UNIQUE  the idempotence key (INSERT OR IGNORE)
 *   ts_utc       TEXT NOT NULL         2026-11-25T02:44:00.123456Z (fixed width: text order = time order)
 *   host         TEXT
 *   pid          INTEGER
 *   ingested_at  TEXT NOT NULL         when the row was committed, same format
 *   ...the table's own columns, in record-component order:
 *      TEXT, JSON, ENUM -> TEXT;  INTEGER -> INTEGER;  BOOLEAN -> INTEGER 0/1;  TIMESTAMP -> TEXT
 * </pre>
 *
 * plus an index {@code <table>_ts_utc} on ts_utc. Required columns are NOT NULL.
 *
 * <p>CONTROL TABLES. {@code meta(key, value)}, {@code ingest_checkpoint(slot, queue_index,
 * ...)}, {@code replay_ledger(file, ...)}, {@code retention_policy(table_name, ...)}, {@code
 * export_watermark(lake, table_name, ...)}: see {@link #controlTables()}.
 *
 * <p>The version is {@code PRAGMA user_version}; {@link #VERSION} is this build's. Changing any
 * DDL here means a new version and a migration step that produces exactly this DDL.
 */
public final class Schema {
  /** The schema version this build creates and expects. */
  public static final int VERSION = 3;

  /** The envelope columns every event table starts with, after {@code id}. */
  public static final List<String> ENVELOPE_COLUMNS =
      List.of("event_id", "ts_utc", "host", "pid", "ingested_at");

  private Schema() {}

  /** The SQLite declared type of an event column. */
  public static String sqlType(ColumnType type) {
    return switch (type) {
      case TEXT, JSON, ENUM, TIMESTAMP -> "TEXT";
      case INTEGER, BOOLEAN -> "INTEGER";
    };
  }

  /** {@code CREATE TABLE} for one event table. */
  public static String createTable(Table table) {
    StringBuilder sql = new StringBuilder("CREATE TABLE ").append(table.sqlName()).append(" (\n");
    sql.append("  id INTEGER PRIMARY KEY,\n");
    sql.append("  event_id TEXT NOT NULL UNIQUE,\n");
    sql.append("  ts_utc TEXT NOT NULL,\n");
    sql.append("  host TEXT,\n");
    sql.append("  pid INTEGER,\n");
    sql.append("  ingested_at TEXT NOT NULL");
    for (Column column : table.columns()) {
      sql.append(",\n  ").append(column.name()).append(' ').append(sqlType(column.type()));
      if (column.required()) {
        sql.append(" NOT NULL");
      }
    }
    return sql.append("\n)").toString();
  }

  /** {@code CREATE INDEX} on ts_utc for one event table. */
  public static String createTsIndex(Table table) {
    return "CREATE INDEX " + table.sqlName() + "_ts_utc ON " + table.sqlName() + " (ts_utc)";
  }

  /** Key/value facts about the file: when it was created, which build last migrated it. */
  public static final String META_DDL = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)";

  /**
   * One row per writer slot: the Chronicle index of the last entry whose row (or spool line) is
   * committed, and how many entries were taken from the slot. Written in the same transaction as
   * the rows.
   */
  public static final String INGEST_CHECKPOINT_DDL =
      "CREATE TABLE ingest_checkpoint (slot TEXT PRIMARY KEY, queue_index INTEGER NOT NULL,"
          + " entries INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL)";

  /** One row per spool file: its identity and the byte offset after the last applied line. */
  public static final String REPLAY_LEDGER_DDL =
      "CREATE TABLE replay_ledger (file TEXT PRIMARY KEY, identity TEXT NOT NULL,"
          + " byte_offset INTEGER NOT NULL, lines_applied INTEGER NOT NULL DEFAULT 0,"
          + " lines_quarantined INTEGER NOT NULL DEFAULT 0, updated_at TEXT NOT NULL)";

  /**
   * One row per retention policy: rows of {@code table_name} older than {@code max_age_seconds}
   * (by ts_utc) may be deleted. {@code table_name} '*' is the default for tables without a row of
   * their own. No row at all: keep everything.
   */
  public static final String RETENTION_POLICY_DDL =
      "CREATE TABLE retention_policy (table_name TEXT PRIMARY KEY,"
          + " max_age_seconds INTEGER NOT NULL, updated_at TEXT NOT NULL)";

  /**
   * One row per (lake, table): the highest {@code id} of the table whose row is in a file renamed
   * into place in that lake. Written only after the rename, so a crash re-exports, never skips.
   */
  public static final String EXPORT_WATERMARK_DDL =
      "CREATE TABLE export_watermark (lake TEXT NOT NULL, table_name TEXT NOT NULL,"
          + " last_id INTEGER NOT NULL, rows_exported INTEGER NOT NULL DEFAULT 0,"
          + " updated_at TEXT NOT NULL, PRIMARY KEY (lake, table_name))";

  /** The control tables' DDL. */
  public static List<String> controlTables() {
    return List.of(
        META_DDL, INGEST_CHECKPOINT_DDL, REPLAY_LEDGER_DDL, RETENTION_POLICY_DDL, EXPORT_WATERMARK_DDL);
  }

  /** Every statement that creates the current schema on an empty database, in order. */
  public static List<String> createAll() {
    List<String> ddl = new ArrayList<>(controlTables());
    for (Table table : Table.values()) {
      ddl.add(createTable(table));
      ddl.add(createTsIndex(table));
    }
    return ddl;
  }

  /** Column names of an event table in SQL order, {@code id} excluded. */
  public static List<String> columnNames(Table table) {
    List<String> names = new ArrayList<>(ENVELOPE_COLUMNS);
    for (Column column : table.columns()) {
      names.add(column.name());
    }
    return names;
  }
}
