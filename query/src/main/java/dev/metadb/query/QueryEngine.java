package dev.metadb.query;

import dev.metadb.event.Table;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * SQL over meta.db without touching its write path: the read side of metadb.
 *
 * <p>ONE QUERY.
 *
 * <ol>
 *   <li>DuckDB parses the SQL; {@link SqlInspector} refuses anything but one SELECT over metadb's
 *       tables and lists the tables and column names it uses.
 *   <li>meta.db is opened read-only ({@link MetaDbReader}). For each table named, only the columns
 *       named are read: from the table's incremental snapshot ({@link SnapshotStore}), extended
 *       first with what was committed since; or, when a {@code --since/--until} window is given
 *       and the table has no snapshot yet, straight from SQLite with the window pushed into the
 *       WHERE clause (the ts_utc index serves it). meta.db is closed before the SQL runs.
 *   <li>The rows go to DuckDB through the Arrow C stream interface ({@link DuckSession}); the SQL
 *       runs there and its result is written in the requested {@link ResultFormat}.
 * </ol>
 *
 * <p>The window applies to every table the query reads, as a filter on ts_utc ahead of the SQL.
 *
 * <p>A snapshot store that cannot be written (read-only home, full disk) does not fail the query:
 * it says so on the log and reads meta.db directly.
 *
 * <p>Not thread-safe: one query at a time per engine. Engines in several threads or processes may
 * share a home; they take turns per table on the snapshot files, never on meta.db.
 */
public final class QueryEngine implements AutoCloseable {
  /** Where a query's rows come from. */
  public enum SnapshotMode {
    /** Incremental snapshots under {@code <home>/snapshots} (the default). */
    INCREMENTAL,
    /** Every query reads its columns from meta.db again; nothing is kept (a baseline). */
    DIRECT
  }

  /** Rows per Arrow batch of a result. */
  static final int RESULT_BATCH_ROWS = 64 * 1024;

  private final Home home;
  private final SnapshotMode mode;
  private final Consumer<String> log;
  private final BufferAllocator allocator;
  private final DuckSession duck;
  private final SnapshotStore store;

  private QueryEngine(Home home, SnapshotMode mode, Consumer<String> log, BufferAllocator allocator, DuckSession duck) {
    this.home = home;
    this.mode = mode;
    this.log = log;
    this.allocator = allocator;
    this.duck = duck;
    this.store = new SnapshotStore(home.snapshotsDir(), allocator, log);
  }

  /** An engine over {@code home} with incremental snapshots, logging to stderr. */
  public static QueryEngine open(Home home) throws QueryException {
    return open(home, SnapshotMode.INCREMENTAL, line -> System.err.println("metadb query: " + line));
  }

  /**
   * @param log receives a line when a snapshot is rebuilt or cannot be used (never the result)
   */
  public static QueryEngine open(Home home, SnapshotMode mode, Consumer<String> log) throws QueryException {
    BufferAllocator allocator = new RootAllocator();
    try {
      return new QueryEngine(home, mode, log, allocator, DuckSession.open(allocator));
    } catch (QueryException | RuntimeException e) {
      allocator.close();
      throw e;
    }
  }

  /**
   * Runs {@code sql} over the rows inside {@code window} and writes the result to {@code out}.
   *
   * @return the number of result rows
   * @throws QueryException BAD_INPUT for SQL that is invalid, refused or names an unknown table;
   *     SCHEMA_NEWER for a meta.db from a newer metadb; FAILURE for storage and engine failures
   */
  public long query(String sql, TimeWindow window, ResultFormat format, OutputStream out) throws QueryException {
    SqlShape shape = duck.inspect(sql);
    Map<Table, List<RowBlock>> rows = new EnumMap<>(Table.class);
    try {
      readTables(shape, window, rows);
      try {
        return run(sql, shape, rows, false, format, out);
      } catch (DuckSession.StreamReusedException e) {
        return run(sql, shape, rows, true, format, out);
      }
    } catch (DuckSession.StreamReusedException e) {
      throw QueryException.failure("the SQL engine scanned a copied table as a stream: " + e.getMessage(), e);
    } finally {
      for (List<RowBlock> blocks : rows.values()) {
        for (RowBlock block : blocks) {
          block.close();
        }
      }
    }
  }

  private void readTables(SqlShape shape, TimeWindow window, Map<Table, List<RowBlock>> rows) throws QueryException {
    if (shape.tables().isEmpty()) {
      return;
    }
    try (MetaDbReader db = MetaDbReader.open(home.metaDb())) {
      for (Table table : shape.tables().keySet()) {
        TableLayout layout = TableLayout.of(table);
        rows.put(table, read(db, layout, columnsFor(shape, layout), window));
      }
    } catch (SQLException e) {
      throw QueryException.failure("cannot read " + home.metaDb() + ": " + e.getMessage(), e);
    }
  }

  private List<RowBlock> read(MetaDbReader db, TableLayout layout, List<SnapshotColumn> columns, TimeWindow window)
      throws SQLException {
    boolean direct = mode == SnapshotMode.DIRECT || (!window.isAll() && !store.exists(layout));
    if (!direct) {
      try {
        return store.read(db, layout, columns, window);
      } catch (IOException e) {
        log.accept("snapshots under " + store.root() + " cannot be used (" + e.getMessage() + "); reading meta.db directly");
      }
    }
    return List.of(readDirect(db, layout, columns, window));
  }

  /** The window's rows of {@code columns}, from SQLite, in key order; nothing is kept. */
  private RowBlock readDirect(MetaDbReader db, TableLayout layout, List<SnapshotColumn> columns, TimeWindow window)
      throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT ").append(SqliteRows.selectList(columns))
        .append(" FROM ").append(layout.name()).append(" WHERE 1 = 1");
    if (window.since() != null) {
      sql.append(" AND ts_utc >= ?");
    }
    if (window.until() != null) {
      sql.append(" AND ts_utc < ?");
    }
    sql.append(" ORDER BY ts_utc, id");
    try (PreparedStatement st = db.connection().prepareStatement(sql.toString())) {
      int parameter = 1;
      if (window.since() != null) {
        st.setString(parameter++, TimestampText.format(window.sinceMicros()));
      }
      if (window.until() != null) {
        st.setString(parameter, TimestampText.format(window.untilMicros()));
      }
      return SqliteRows.readAll(st, columns, allocator);
    }
  }

  /** The columns of {@code layout} the query uses ({@code id} at least: a scan needs a column). */
  private static List<SnapshotColumn> columnsFor(SqlShape shape, TableLayout layout) {
    if (shape.allColumns()) {
      return layout.columns();
    }
    Set<String> names = new LinkedHashSet<>(shape.columnNames());
    names.add(TableLayout.ID);
    return layout.select(names);
  }

  private long run(String sql, SqlShape shape, Map<Table, List<RowBlock>> rows, boolean copyAll,
      ResultFormat format, OutputStream out) throws QueryException, DuckSession.StreamReusedException {
    List<DuckSession.Registration> registrations = new ArrayList<>();
    Throwable primary = null;
    try {
      for (Map.Entry<Table, List<RowBlock>> entry : rows.entrySet()) {
        Table table = entry.getKey();
        List<Field> fields = new ArrayList<>();
        for (SnapshotColumn column : columnsFor(shape, TableLayout.of(table))) {
          fields.add(column.field());
        }
        boolean copy = copyAll || shape.tables().get(table) > 1;
        registrations.add(duck.register(table.sqlName(), new Schema(fields), entry.getValue(), copy));
      }
      try (DuckSession.Result result = duck.execute(sql, RESULT_BATCH_ROWS)) {
        return format.write(result.reader(), out);
      } catch (IOException e) {
        throw QueryException.failure("cannot write the result: " + e.getMessage(), e);
      } catch (SQLException e) {
        throw QueryException.failure("cannot finish reading the result: " + e.getMessage(), e);
      }
    } catch (Throwable t) {
      primary = t;
      throw t;
    } finally {
      release(registrations, primary);
    }
  }

  /** Closes every registration; the first failure is thrown unless {@code primary} is already. */
  private static void release(List<DuckSession.Registration> registrations, Throwable primary) throws QueryException {
    QueryException failure = null;
    for (DuckSession.Registration registration : registrations) {
      try {
        registration.close();
      } catch (SQLException | RuntimeException e) {
        if (primary != null) {
          primary.addSuppressed(e);
        } else if (failure == null) {
          failure = QueryException.failure("cannot release a table from the SQL engine: " + e.getMessage(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void close() throws QueryException {
    try (allocator; duck) {
      // closes DuckDB, then the Arrow memory it read from, whatever either throws
    } catch (SQLException e) {
      throw QueryException.failure("cannot close the SQL engine: " + e.getMessage(), e);
    }
  }
}
