package dev.metadb.query;

import dev.metadb.event.Table;
import dev.metadb.store.Schema;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * {@code metadb export}: each table as one Arrow IPC file, {@code DIR/<table>.arrow}, that
 * pyarrow ({@code pyarrow.ipc.open_file}), polars ({@code pl.read_ipc}) and any Arrow reader open
 * as it is.
 *
 * <p>FILE. The table's every column, typed as in {@link TableLayout} (timestamps are
 * {@code timestamp[us, tz=UTC]}), rows in key order ({@code ts_utc}, then {@code id}), in record
 * batches of {@link #BATCH_ROWS}. Schema metadata: {@code metadb.table},
 * {@code metadb.schema_version}, and {@code metadb.since} when a window was given. A table with no
 * rows gives a file with the schema and no batches.
 *
 * <p>CONSISTENCY. All tables are read in one read transaction, so the files agree with each other
 * as of one commit. Memory stays bounded by one batch per table: rows stream from SQLite to disk.
 * Each file is written under a temporary name and renamed: an existing export is replaced whole
 * or not at all. meta.db is opened read-only (see {@link MetaDbReader}).
 */
public final class Exporter {
  /** Rows per record batch in an exported file. */
  static final int BATCH_ROWS = 64 * 1024;

  /**
   * One exported table.
   *
   * @param table the table's name
   * @param file the file written
   * @param rows how many rows it holds
   */
  public record TableFile(String table, Path file, long rows) {}

  private Exporter() {}

  /**
   * Exports {@code tables} of {@code home}'s meta.db into {@code dir} (created, owner-only, if
   * missing).
   *
   * @param since when not null, only rows with {@code ts_utc >= since}
   * @param progress receives one line per table written
   */
  public static List<TableFile> export(Home home, Path dir, List<Table> tables, Instant since, Consumer<String> progress)
      throws QueryException {
    try {
      if (!Files.isDirectory(dir)) {
        Home.createPrivateDirectories(dir);
      }
    } catch (FileAlreadyExistsException e) {
      throw QueryException.badInput("cannot export into " + dir + ": it exists and is not a directory");
    } catch (IOException e) {
      throw QueryException.failure("cannot create " + dir + ": " + e.getMessage(), e);
    }
    List<TableFile> written = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator(); MetaDbReader db = MetaDbReader.open(home.metaDb())) {
      db.beginRead();
      try {
        for (Table table : tables) {
          TableFile file = exportTable(db, allocator, TableLayout.of(table), dir, since);
          progress.accept(file.table() + ": " + file.rows() + " rows -> " + file.file());
          written.add(file);
        }
      } finally {
        db.endRead();
      }
      return written;
    } catch (SQLException e) {
      throw QueryException.failure("cannot read " + home.metaDb() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw QueryException.failure("cannot write the export into " + dir + ": " + e.getMessage(), e);
    }
  }

  private static TableFile exportTable(MetaDbReader db, BufferAllocator allocator, TableLayout layout, Path dir, Instant since)
      throws SQLException, IOException {
    List<SnapshotColumn> columns = layout.columns();
    List<Field> fields = new ArrayList<>();
    for (SnapshotColumn column : columns) {
      fields.add(column.field());
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("metadb.table", layout.name());
    metadata.put("metadb.schema_version", Integer.toString(Schema.VERSION));
    if (since != null) {
      metadata.put("metadb.since", TimestampText.format(TimestampText.toMicros(since)));
    }
    String sql = "SELECT " + SqliteRows.selectList(columns) + " FROM " + layout.name()
        + (since == null ? "" : " WHERE ts_utc >= ?") + " ORDER BY ts_utc, id";
    Path target = dir.resolve(layout.name() + ".arrow");
    Path tmp = AtomicFiles.temporary(target);
    long rows = 0;
    try (PreparedStatement st = db.connection().prepareStatement(sql);
        VectorSchemaRoot root = VectorSchemaRoot.create(new org.apache.arrow.vector.types.pojo.Schema(fields, metadata), allocator)) {
      if (since != null) {
        st.setString(1, TimestampText.format(TimestampText.toMicros(since)));
      }
      try (ResultSet results = st.executeQuery();
          FileChannel channel = AtomicFiles.create(tmp);
          ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
        writer.start();
        while (true) {
          try (RowBlock batch = SqliteRows.read(results, columns, allocator, BATCH_ROWS)) {
            if (batch.rows() == 0) {
              break;
            }
            for (FieldVector column : root.getFieldVectors()) {
              batch.vector(column.getName()).makeTransferPair(column).transfer();
            }
            root.setRowCount(batch.rows());
            writer.writeBatch();
            rows += batch.rows();
            if (batch.rows() < BATCH_ROWS) {
              break;
            }
          }
        }
        writer.end();
      }
      AtomicFiles.commit(tmp, target);
      return new TableFile(layout.name(), target, rows);
    } catch (SQLException | IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }
}
