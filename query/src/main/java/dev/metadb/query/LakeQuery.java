package dev.metadb.query;

import dev.metadb.event.Table;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * {@code metadb query --lake LAKE}: the same locked-down SQL as {@link QueryEngine}, over every
 * host's rows in a lake written by {@link LakeExporter}.
 *
 * <p>THE TABLES. Before any user SQL, metadb creates one view per event table over
 * {@code read_parquet('LAKE/table=<t>/*&#47;*&#47;*.parquet', hive_partitioning = true)}: the
 * table's columns (from the first file, by name: every file of one schema version has the same), with {@code date} (DATE) and {@code host}
 * (VARCHAR) from the partition directories. A table whose first file cannot be read is a view
 * that fails with the reason when queried; the other tables stay queryable. {@code host} is the exporting home's partition name,
 * which takes the place of the envelope's {@code host} column stored in the files (the writer's
 * own name; the same machine unless a writer ran in a container). Filters on {@code date} and
 * {@code host} prune whole directories; each view globs only its own table's directory. A table
 * with no files yet is an empty view with the same columns.
 *
 * <p>THE WALL. The session is a {@link DuckSession} opened {@linkplain DuckSession#openWithin
 * within} the lake: files outside it cannot be opened at all, and the configuration is locked. User
 * SQL goes through {@link SqlInspector} as for meta.db, so it cannot name read_parquet, a file or
 * any table function itself: only the views.
 *
 * <p>A {@link TimeWindow} becomes part of every view: {@code ts_utc} inside it, and {@code date}
 * inside its days (so the window prunes directories too).
 */
public final class LakeQuery implements AutoCloseable {
  private final BufferAllocator allocator;
  private final DuckSession duck;

  private LakeQuery(BufferAllocator allocator, DuckSession duck) {
    this.allocator = allocator;
    this.duck = duck;
  }

  /**
   * @throws QueryException BAD_INPUT when {@code lake} is not a directory; FAILURE when the engine
   *     cannot start or a view cannot be made
   */
  public static LakeQuery open(Path lake, TimeWindow window) throws QueryException {
    if (!Files.isDirectory(lake)) {
      throw QueryException.badInput("no lake at " + lake + ": give the directory metadb export --format parquet wrote");
    }
    Path root;
    try {
      root = lake.toRealPath();
    } catch (IOException e) {
      throw QueryException.failure("cannot open the lake " + lake + ": " + e.getMessage(), e);
    }
    BufferAllocator allocator = new RootAllocator();
    DuckSession duck = null;
    try {
      duck = DuckSession.openWithin(allocator, root);
      LakeLayout layout = new LakeLayout(root, "-");
      for (Table table : Table.values()) {
        Path dir = layout.tableDir(table.sqlName());
        String name = table.sqlName();
        if (!hasFiles(dir)) {
          duck.run("CREATE VIEW " + name + " AS " + emptyView(TableLayout.of(table), "false"));
          continue;
        }
        try {
          duck.run("CREATE VIEW " + name + " AS " + filesView(dir, window));
        } catch (SQLException e) {
          // DuckDB takes a view's columns from its first file: a damaged one fails only the
          // queries that read this table, with the reason.
          String reason = "table " + name + " cannot be read from the lake: " + e.getMessage();
          duck.run("CREATE VIEW " + name + " AS " + emptyView(TableLayout.of(table), "error(" + DuckSession.literal(reason) + ")"));
        }
      }
      return new LakeQuery(allocator, duck);
    } catch (SQLException | IOException | QueryException | RuntimeException e) {
      try {
        if (duck != null) {
          duck.close();
        }
        allocator.close();
      } catch (SQLException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof QueryException q) {
        throw q;
      }
      throw QueryException.failure("cannot open the lake " + root + ": " + e.getMessage(), e);
    }
  }

  private static boolean hasFiles(Path tableDir) throws IOException {
    if (!Files.isDirectory(tableDir)) {
      return false;
    }
    try (Stream<Path> files = Files.find(tableDir, 3,
        (path, attributes) -> attributes.isRegularFile() && path.getFileName().toString().endsWith(LakeLayout.SUFFIX)
            && !path.getFileName().toString().startsWith("."))) {
      return files.findAny().isPresent();
    }
  }

  private static String filesView(Path tableDir, TimeWindow window) {
    StringBuilder sql = new StringBuilder("SELECT * EXCLUDE (\"table\") FROM read_parquet(")
        .append(DuckSession.literal(tableDir + "/*/*/*" + LakeLayout.SUFFIX))
        .append(", hive_partitioning = true, hive_types = {'date': DATE, 'host': VARCHAR})")
        .append(" WHERE true");
    if (window.since() != null) {
      String since = TimestampText.format(window.sinceMicros());
      sql.append(" AND ts_utc >= TIMESTAMPTZ ").append(DuckSession.literal(since))
          .append(" AND date >= DATE ").append(DuckSession.literal(since.substring(0, 10)));
    }
    if (window.until() != null) {
      String until = TimestampText.format(window.untilMicros());
      String lastDay = TimestampText.format(window.untilMicros() - 1).substring(0, 10);
      sql.append(" AND ts_utc < TIMESTAMPTZ ").append(DuckSession.literal(until))
          .append(" AND date <= DATE ").append(DuckSession.literal(lastDay));
    }
    return sql.toString();
  }

  /** The columns a table's files would give, with no rows ({@code condition} false) or an error. */
  private static String emptyView(TableLayout layout, String condition) {
    List<String> columns = new ArrayList<>();
    for (SnapshotColumn column : layout.columns()) {
      String type = switch (column.kind()) {
        case TEXT -> "VARCHAR";
        case BIGINT -> "BIGINT";
        case BOOL -> "BOOLEAN";
        case TIMESTAMP -> "TIMESTAMPTZ";
      };
      columns.add("CAST(NULL AS " + type + ") AS " + column.name());
    }
    columns.add("CAST(NULL AS DATE) AS date");
    return "SELECT " + String.join(", ", columns) + " FROM range(1) WHERE " + condition;
  }

  /**
   * Runs {@code sql} over the lake's views and writes the result to {@code out}.
   *
   * @return the number of result rows
   * @throws QueryException BAD_INPUT for SQL that is invalid or refused; FAILURE for unreadable
   *     files and engine failures
   */
  public long query(String sql, ResultFormat format, OutputStream out) throws QueryException {
    duck.inspect(sql);
    try (DuckSession.Result result = duck.execute(sql, QueryEngine.RESULT_BATCH_ROWS)) {
      return format.write(result.reader(), out);
    } catch (DuckSession.StreamReusedException e) {
      throw QueryException.failure("the SQL engine scanned a stream twice: " + e.getMessage(), e);
    } catch (IOException e) {
      throw QueryException.failure("cannot write the result: " + e.getMessage(), e);
    } catch (SQLException e) {
      throw QueryException.failure("cannot finish reading the result: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws QueryException {
    try {
      duck.close();
    } catch (SQLException e) {
      throw QueryException.failure("cannot close the SQL engine: " + e.getMessage(), e);
    } finally {
      allocator.close();
    }
  }
}
