package dev.metadb.query;

import dev.metadb.event.Column;
import dev.metadb.event.Table;
import dev.metadb.store.Schema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Arrow layout of one event table, derived from {@link Table} and {@link Schema} the same way
 * the SQLite DDL is, so the two cannot drift:
 *
 * <pre>
 *   id           BIGINT     not null   SQLite's INTEGER PRIMARY KEY: grows with every insert
 *   event_id     TEXT       not null
 *   ts_utc       TIMESTAMP  not null   the order every snapshot is kept in, ties broken by id
 *   host         TEXT
 *   pid          BIGINT
 *   ingested_at  TIMESTAMP  not null
 *   ...          the table's own columns, kind from their {@code ColumnType}, not null if required
 * </pre>
 */
final class TableLayout {
  static final String ID = "id";
  static final String TS_UTC = "ts_utc";

  private static final Map<Table, TableLayout> LAYOUTS = new EnumMap<>(Table.class);

  static {
    for (Table table : Table.values()) {
      LAYOUTS.put(table, new TableLayout(table));
    }
  }

  private final Table table;
  private final Map<String, SnapshotColumn> columns;

  private TableLayout(Table table) {
    this.table = table;
    Map<String, SnapshotColumn> cols = new LinkedHashMap<>();
    cols.put(ID, new SnapshotColumn(ID, ColumnKind.BIGINT, false));
    cols.put("event_id", new SnapshotColumn("event_id", ColumnKind.TEXT, false));
    cols.put(TS_UTC, new SnapshotColumn(TS_UTC, ColumnKind.TIMESTAMP, false));
    cols.put("host", new SnapshotColumn("host", ColumnKind.TEXT, true));
    cols.put("pid", new SnapshotColumn("pid", ColumnKind.BIGINT, true));
    cols.put("ingested_at", new SnapshotColumn("ingested_at", ColumnKind.TIMESTAMP, false));
    for (Column column : table.columns()) {
      cols.put(column.name(), new SnapshotColumn(column.name(), ColumnKind.of(column.type()), !column.required()));
    }
    if (!cols.keySet().stream().skip(1).toList().equals(Schema.columnNames(table))) {
      throw new IllegalStateException("Arrow layout of " + table.sqlName() + " disagrees with Schema");
    }
    this.columns = cols;
  }

  static TableLayout of(Table table) {
    return LAYOUTS.get(table);
  }

  Table table() {
    return table;
  }

  String name() {
    return table.sqlName();
  }

  /** Every column in table order. */
  List<SnapshotColumn> columns() {
    return List.copyOf(columns.values());
  }

  Optional<SnapshotColumn> column(String name) {
    return Optional.ofNullable(columns.get(name));
  }

  /** The named columns that exist in this table, in table order; unknown names are ignored. */
  List<SnapshotColumn> select(Collection<String> names) {
    List<SnapshotColumn> out = new ArrayList<>();
    for (SnapshotColumn column : columns.values()) {
      if (names.contains(column.name())) {
        out.add(column);
      }
    }
    return out;
  }

  /**
   * A text that changes whenever a column is added, removed, renamed or retyped: a snapshot
   * written under another fingerprint is rebuilt, not extended.
   */
  String fingerprint() {
    return columns.values().stream()
        .map(c -> c.name() + ":" + c.kind() + (c.nullable() ? "" : "!"))
        .collect(Collectors.joining(","));
  }
}
