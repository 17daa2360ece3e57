package dev.metadb.query;

import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import dev.metadb.ingester.PidLock;
import dev.metadb.store.MetaDatabase;
import dev.metadb.store.MetaDatabaseException;
import dev.metadb.store.Schema;
import dev.metadb.store.SchemaNewerException;
import dev.metadb.store.SqliteFailure;
import dev.metadb.store.WriteTransaction;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * {@code metadb export --format parquet LAKE}: each table's rows not yet in the lake, as Parquet
 * files in {@link LakeLayout}'s Hive-partitioned layout, exactly once.
 *
 * <p>ROWS. A table's rows are exported in CHUNKS of consecutive ids: a chunk starts after the
 * table's export WATERMARK (the {@code export_watermark} row of this lake and table in meta.db)
 * and holds the next {@code chunkRows} rows, or all there are. Each chunk is cut by ts_utc's UTC
 * date into one file per date. Rows go SQLite → Arrow ({@link SqliteRows}) → DuckDB, whose
 * {@code COPY ... TO ... (FORMAT parquet)} writes the file: typed columns (TIMESTAMP with UTC
 * adjustment, BIGINT, BOOLEAN, VARCHAR), the envelope included, rows in id order.
 *
 * <p>EXACTLY ONCE. Per chunk, in this order:
 *
 * <ol>
 *   <li>each date's file is written under a {@linkplain LakeLayout#temporary temporary name} in
 *       its final directory, fsynced, and renamed to its deterministic name (then the directory is
 *       fsynced);
 *   <li>only when every date's file is in place, the watermark moves to the chunk's last id, in
 *       one {@code BEGIN IMMEDIATE} transaction on meta.db (a few rows: the ingester waits for it
 *       for milliseconds at most).
 * </ol>
 *
 * A kill -9 before the rename leaves a temporary file, deleted by the next run before it writes.
 * A kill -9 after some renames but before the watermark commit leaves files of a chunk the
 * watermark does not cover: the next run finds them by name ({@link LakeLayout#chunksPresent}),
 * re-exports THAT chunk (same id range, so the same names: files already present are kept, the
 * missing dates are written) and then commits its watermark. Rows at or below a watermark are
 * never read again; rows above it are never deleted by retention (see docs/fleet.md). So every
 * row lands in exactly one file, and no reader ever sees a partial one.
 *
 * <p>One exporter per home at a time ({@link PidLock} on {@code <home>/export.lock}): two would
 * cut different chunks from the same rows. meta.db is read through a read-only connection in
 * short read transactions (one per chunk), so the WAL keeps checkpointing.
 *
 * <p>Not thread-safe.
 */
public final class LakeExporter implements AutoCloseable {
  /** Rows per chunk unless told otherwise: bounds the memory one file's rows take. */
  public static final int DEFAULT_CHUNK_ROWS = 100_000;
  /** How long to wait for another exporter of this home to finish before refusing, in ms. */
  static final long LOCK_PATIENCE_MILLIS = 500;
  private static final String STREAM = "metadb_export_rows";
  private static final int COMMIT_ATTEMPTS = 3;

  /**
   * What one run did to one table.
   *
   * @param rows rows written into the lake by this run
   * @param files files renamed into place by this run
   * @param watermark the table's watermark afterwards: every row with an id up to it is in the lake
   */
  public record TableExport(String table, long rows, int files, long watermark) {}

  private final LakeLayout layout;
  private final String lakeKey;
  private final int chunkRows;
  private final Consumer<String> log;
  private final PidLock lock;
  private final MetaDatabase db;
  private final MetaDbReader reader;
  private final BufferAllocator allocator;
  private final DuckSession duck;

  private LakeExporter(LakeLayout layout, int chunkRows, Consumer<String> log, PidLock lock, MetaDatabase db,
      MetaDbReader reader, BufferAllocator allocator, DuckSession duck) {
    this.layout = layout;
    this.lakeKey = layout.lake().toString();
    this.chunkRows = chunkRows;
    this.log = log;
    this.lock = lock;
    this.db = db;
    this.reader = reader;
    this.allocator = allocator;
    this.duck = duck;
  }

  /**
   * Opens an export of {@code home} into {@code lake} (created if missing) as {@code host}.
   *
   * @param host the partition name of this home; sanitized ({@link LakeLayout#sanitizeHost})
   * @throws QueryException BAD_INPUT for a lake that is not a directory, a host name that cannot be
   *     used or a chunk size below 1; SCHEMA_NEWER; FAILURE when another export runs in this home,
   *     there is no meta.db yet, or it cannot be opened
   */
  public static LakeExporter open(Home home, Path lake, String host, int chunkRows, Consumer<String> log)
      throws QueryException {
    if (chunkRows < 1) {
      throw QueryException.badInput("--chunk-rows must be at least 1, not " + chunkRows);
    }
    String safeHost;
    try {
      safeHost = LakeLayout.sanitizeHost(host);
    } catch (IllegalArgumentException e) {
      throw QueryException.badInput(e.getMessage() + " (give one with --host)");
    }
    Path root = lakeRoot(lake);
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      Path lockFile = home.dir().resolve("export.lock");
      if (!Files.isDirectory(home.dir())) {
        throw new QueryException(QueryException.Kind.FAILURE,
            "no home at " + home.dir() + ": nothing has been ingested yet (run metadb ingest)");
      }
      PidLock lock = PidLock.acquire(lockFile, LOCK_PATIENCE_MILLIS).orElse(null);
      if (lock == null) {
        throw new QueryException(QueryException.Kind.FAILURE, "another export (pid "
            + PidLock.recordedPid(lockFile).orElse(-1) + ") is running in " + home.dir());
      }
      opened.add(lock);
      if (!Files.isRegularFile(home.metaDb())) {
        throw new QueryException(QueryException.Kind.FAILURE,
            "no meta.db at " + home.metaDb() + ": nothing has been ingested yet (run metadb ingest)");
      }
      // The write open first: it passes the schema gate (migrating an older meta.db once), which
      // the read-only connection then finds current.
      MetaDatabase db = MetaDatabase.open(home.metaDb());
      opened.add(db);
      MetaDbReader reader = MetaDbReader.open(home.metaDb());
      opened.add(reader);
      BufferAllocator allocator = new RootAllocator();
      opened.add(allocator);
      DuckSession duck = DuckSession.openWithin(allocator, root);
      opened.add(duck);
      LakeExporter exporter = new LakeExporter(new LakeLayout(root, safeHost), chunkRows, log, lock, db, reader, allocator, duck);
      exporter.register();
      return exporter;
    } catch (QueryException | IOException | SQLException | MetaDatabaseException | RuntimeException e) {
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof QueryException q) {
        throw q;
      }
      if (e instanceof SchemaNewerException newer) {
        throw new QueryException(QueryException.Kind.SCHEMA_NEWER, newer.getMessage() + ": use a newer metadb to export it", e);
      }
      throw QueryException.failure("cannot start the export from " + home.metaDb() + ": " + e.getMessage(), e);
    }
  }

  /** The lake's real path, created (mode from the umask: the lake is shared) when missing. */
  private static Path lakeRoot(Path lake) throws QueryException {
    try {
      Files.createDirectories(lake);
      return lake.toRealPath();
    } catch (FileAlreadyExistsException e) {
      throw QueryException.badInput("cannot export into " + lake + ": it exists and is not a directory");
    } catch (IOException e) {
      throw QueryException.failure("cannot create the lake " + lake + ": " + e.getMessage(), e);
    }
  }

  /** The host name the files are written under. */
  public String host() {
    return layout.host();
  }

  /** The lake's real path, which is also its key in {@code export_watermark}. */
  public Path lake() {
    return layout.lake();
  }

  /**
   * Gives every table a watermark row for this lake (0 when new), so that retention knows from the
   * first export on that rows above it must wait for the lake.
   */
  private void register() throws SQLException {
    commit(tx -> {
      try (PreparedStatement st = db.connection().prepareStatement(
          "INSERT OR IGNORE INTO export_watermark (lake, table_name, last_id, rows_exported, updated_at)"
              + " VALUES (?, ?, 0, 0, ?)")) {
        for (Table table : Table.values()) {
          st.setString(1, lakeKey);
          st.setString(2, table.sqlName());
          st.setString(3, Timestamps.format(Instant.now()));
          st.addBatch();
        }
        st.executeBatch();
      }
    });
  }

  /**
   * Exports the rows of {@code tables} above their watermarks.
   *
   * @param stop checked between chunks: true ends the run early (every chunk begun is finished)
   */
  public List<TableExport> export(List<Table> tables, BooleanSupplier stop) throws QueryException {
    List<TableExport> done = new ArrayList<>();
    for (Table table : tables) {
      if (stop.getAsBoolean()) {
        break;
      }
      try {
        done.add(exportTable(TableLayout.of(table), stop));
      } catch (SQLException e) {
        throw QueryException.failure("cannot export " + table.sqlName() + " from " + db.file() + ": " + e.getMessage(), e);
      } catch (IOException e) {
        throw QueryException.failure("cannot write " + table.sqlName() + " into " + layout.lake() + ": " + e.getMessage(), e);
      }
    }
    return done;
  }

  private TableExport exportTable(TableLayout table, BooleanSupplier stop) throws SQLException, IOException, QueryException {
    long watermark = watermark(table.name());
    List<LakeLayout.Chunk> pending = new ArrayList<>();
    for (LakeLayout.Chunk chunk : layout.chunksPresent(table.name())) {
      if (chunk.last() <= watermark) {
        continue;
      }
      if (chunk.first() <= watermark) {
        throw QueryException.failure("the lake holds " + layout.host() + "'s rows " + chunk.first() + ".." + chunk.last()
            + " of " + table.name() + ", across its export watermark " + watermark + ": was it exported with another tool?", null);
      }
      pending.add(chunk);
    }
    pending.sort(Comparator.comparingLong(LakeLayout.Chunk::last));
    long rows = 0;
    int files = 0;
    while (!stop.getAsBoolean()) {
      LakeLayout.Chunk chunk;
      if (!pending.isEmpty()) {
        chunk = pending.remove(0);
        if (chunk.first() <= watermark) {
          continue;
        }
        log.accept(table.name() + ": completing chunk " + chunk.first() + ".." + chunk.last() + " left by an interrupted export");
      } else {
        chunk = nextChunk(table.name(), watermark);
        if (chunk == null) {
          break;
        }
      }
      ChunkWrite written = writeChunk(table, chunk);
      long exported = written.rows();
      commitWatermark(table.name(), chunk.last(), exported);
      watermark = chunk.last();
      rows += exported;
      files += written.files();
    }
    return new TableExport(table.name(), rows, files, watermark);
  }

  private long watermark(String table) throws SQLException {
    try (PreparedStatement st = db.connection().prepareStatement(
        "SELECT last_id FROM export_watermark WHERE lake = ? AND table_name = ?")) {
      st.setString(1, lakeKey);
      st.setString(2, table);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /** The next {@link #chunkRows} ids above {@code watermark}, or null when there are none. */
  private LakeLayout.Chunk nextChunk(String table, long watermark) throws SQLException {
    try (PreparedStatement st = reader.connection().prepareStatement(
        "SELECT min(id), max(id) FROM (SELECT id FROM " + table + " WHERE id > ? ORDER BY id LIMIT ?)")) {
      st.setLong(1, watermark);
      st.setInt(2, chunkRows);
      try (ResultSet rs = st.executeQuery()) {
        long first = rs.getLong(1);
        return rs.wasNull() ? null : new LakeLayout.Chunk(first, rs.getLong(2));
      }
    }
  }

  private record ChunkWrite(long rows, int files) {}

  /** Step 1 of the class comment for every date of {@code chunk}; returns the chunk's row count. */
  private ChunkWrite writeChunk(TableLayout table, LakeLayout.Chunk chunk) throws SQLException, IOException, QueryException {
    reader.beginRead();
    try {
      List<LocalDate> dates = new ArrayList<>();
      long rows = 0;
      try (PreparedStatement st = reader.connection().prepareStatement(
          "SELECT substr(ts_utc, 1, 10), count(*) FROM " + table.name() + " WHERE id BETWEEN ? AND ? GROUP BY 1 ORDER BY 1")) {
        st.setLong(1, chunk.first());
        st.setLong(2, chunk.last());
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            dates.add(date(table.name(), rs.getString(1)));
            rows += rs.getLong(2);
          }
        }
      }
      int files = 0;
      for (LocalDate date : dates) {
        Path target = layout.file(table.name(), date, chunk.first(), chunk.last());
        if (Files.exists(target)) {
          continue;
        }
        writeFile(table, chunk, date, target);
        files++;
      }
      return new ChunkWrite(rows, files);
    } finally {
      reader.endRead();
    }
  }

  private static LocalDate date(String table, String text) throws QueryException {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException | NullPointerException e) {
      throw QueryException.failure("a row of " + table + " has a ts_utc that does not start with a date: " + text, e);
    }
  }

  private void writeFile(TableLayout table, LakeLayout.Chunk chunk, LocalDate date, Path target)
      throws SQLException, IOException, QueryException {
    List<SnapshotColumn> columns = table.columns();
    List<Field> fields = new ArrayList<>();
    for (SnapshotColumn column : columns) {
      fields.add(column.field());
    }
    Files.createDirectories(target.getParent());
    Path tmp = LakeLayout.temporary(target);
    String sql = "SELECT " + SqliteRows.selectList(columns) + " FROM " + table.name()
        + " WHERE id BETWEEN ? AND ? AND substr(ts_utc, 1, 10) = ? ORDER BY id";
    try (PreparedStatement st = reader.connection().prepareStatement(sql)) {
      st.setLong(1, chunk.first());
      st.setLong(2, chunk.last());
      st.setString(3, date.toString());
      try (RowBlock block = SqliteRows.readAll(st, columns, allocator);
          DuckSession.Registration ignored = duck.register(
              STREAM, new org.apache.arrow.vector.types.pojo.Schema(fields), List.of(block), false)) {
        duck.run("COPY (SELECT * FROM " + STREAM + ") TO " + DuckSession.literal(tmp.toString())
            + " (FORMAT parquet, COMPRESSION zstd, KV_METADATA {"
            + "'metadb.table': " + DuckSession.literal(table.name())
            + ", 'metadb.host': " + DuckSession.literal(layout.host())
            + ", 'metadb.first_id': '" + chunk.first() + "', 'metadb.last_id': '" + chunk.last()
            + "', 'metadb.schema_version': '" + Schema.VERSION + "'})");
      }
      try (FileChannel file = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        file.force(true);
      }
      AtomicFiles.commit(tmp, target);
      try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (SQLException | IOException | QueryException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /** Step 2 of the class comment. */
  private void commitWatermark(String table, long lastId, long rows) throws SQLException {
    commit(tx -> {
      try (PreparedStatement st = db.connection().prepareStatement(
          "INSERT INTO export_watermark (lake, table_name, last_id, rows_exported, updated_at) VALUES (?, ?, ?, ?, ?)"
              + " ON CONFLICT (lake, table_name) DO UPDATE SET last_id = excluded.last_id,"
              + " rows_exported = rows_exported + excluded.rows_exported, updated_at = excluded.updated_at"
              + " WHERE excluded.last_id > last_id")) {
        st.setString(1, lakeKey);
        st.setString(2, table);
        st.setLong(3, lastId);
        st.setLong(4, rows);
        st.setString(5, Timestamps.format(Instant.now()));
        st.executeUpdate();
      }
    });
  }

  private interface TransactionBody {
    void run(WriteTransaction tx) throws SQLException;
  }

  /**
   * Runs {@code body} in one write transaction, again when meta.db stays busy past its timeout
   * (the ingester in a long batch), up to {@link #COMMIT_ATTEMPTS} times.
   */
  private void commit(TransactionBody body) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try (WriteTransaction tx = db.begin()) {
        body.run(tx);
        tx.commit();
        return;
      } catch (SQLException e) {
        if (attempt >= COMMIT_ATTEMPTS || !SqliteFailure.isTransient(e)) {
          throw e;
        }
        log.accept("meta.db did not take the export watermark (" + e.getMessage() + "); trying again");
      }
    }
  }

  @Override
  public void close() throws QueryException {
    Exception failure = null;
    for (AutoCloseable part : new AutoCloseable[] {duck, allocator, db, reader, lock}) {
      try {
        part.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw QueryException.failure("cannot close the export: " + failure.getMessage(), failure);
    }
  }
}
