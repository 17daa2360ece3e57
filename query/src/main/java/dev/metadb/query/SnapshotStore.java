package dev.metadb.query;

import dev.metadb.ingester.RowRetention;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * Incremental Arrow snapshots of meta.db tables, kept under {@code <home>/snapshots/}, so a
 * repeated query reads only what was committed since the last one.
 *
 * <p>ON DISK.
 *
 * <pre>
 * snapshots/TABLE.lock                    {@link TableLock}: one process at a time per table
 * snapshots/TABLE/manifest.json           {@link Manifest}: watermark, columns, segments
 * snapshots/TABLE/SEGMENT.COLUMN.arrow    {@link ColumnFile}: one column of one segment
 * </pre>
 *
 * Segment files are immutable once written; a segment that changes gets a new name. The manifest
 * is replaced atomically and is the only thing that makes files part of a snapshot; files it does
 * not name (left by a crash, or replaced) are deleted under the lock.
 *
 * <p>REFRESH (under the table lock, meta.db read in one read transaction):
 *
 * <ol>
 *   <li>Read the manifest; a missing, unparsable or incompatible one (other snapshot format,
 *       schema version or columns) means an empty snapshot: the table is rebuilt.
 *   <li>If meta.db's row {@code watermark_id} no longer has {@code watermark_event_id}, the file
 *       was replaced: rebuild. If meta's retention counter ({@code rows_deleted:<table>}) moved
 *       since the manifest was written, rows in the snapshot were deleted: rebuild.
 *   <li>Columns the query needs that the snapshot lacks are read for the rows already in it, in
 *       key order ({@code ORDER BY ts_utc, id} over {@code id <= watermark}), cut at the segment
 *       boundaries and written as new files of the existing segments. Snapshots thus hold only
 *       columns some query asked for.
 *   <li>The DELTA: every row with {@code id > watermark}, in id order (a range scan of the
 *       primary key, never a table scan), sorted into key order.
 *   <li>If the delta's first key is after the last segment's last key (events arrive in time
 *       order: the common case), it becomes a new segment. Otherwise (a replayed event: old
 *       ts_utc, new id) the segments from the first one whose last key is after it are merged
 *       with the delta into one new segment.
 *   <li>Compaction: while the second-to-last segment is at most twice the size of the last, the
 *       two are concatenated (they are adjacent in key order). Segment sizes thus stay roughly
 *       geometric: O(log n) segments, and each row is rewritten O(log n) times.
 *   <li>New files, then the manifest, then deletion of what it no longer names.
 * </ol>
 *
 * <p>READ. Segments outside the window are skipped by their key range; a segment the window cuts
 * is sliced at the first row at or after each bound ({@link RowBlock#firstAtOrAfter}).
 *
 * <p>Consequence: the snapshot is correct only while meta.db's rows are insert-only (no UPDATE),
 * and every DELETE is counted: retention ({@link RowRetention}) is the only stage that deletes,
 * and it bumps the counter in the same transaction. A pass of retention costs the next query of
 * that table one rebuild (retention deletes in passes at most once a minute).
 */
final class SnapshotStore {
  private static final String SEGMENT_FORMAT = "s%06d";

  private final Path root;
  private final BufferAllocator allocator;
  private final Consumer<String> log;

  /**
   * @param root the snapshots directory ({@link Home#snapshotsDir()}); created on first use
   * @param log receives one line whenever a snapshot is rebuilt, and why
   */
  SnapshotStore(Path root, BufferAllocator allocator, Consumer<String> log) {
    this.root = root;
    this.allocator = allocator;
    this.log = log;
  }

  Path root() {
    return root;
  }

  /** Whether {@code layout}'s table has a snapshot on disk (it may still be stale). */
  boolean exists(TableLayout layout) {
    return Files.isRegularFile(tableDir(layout).resolve(Manifest.FILE));
  }

  /**
   * Brings the table's snapshot up to date with {@code db} (materialising {@code columns} if it
   * lacks them) and returns those columns of the rows inside {@code window}, in key order, as
   * blocks the caller closes.
   */
  List<RowBlock> read(MetaDbReader db, TableLayout layout, List<SnapshotColumn> columns, TimeWindow window)
      throws IOException, SQLException {
    Set<String> names = new LinkedHashSet<>();
    for (SnapshotColumn column : columns) {
      names.add(column.name());
    }
    Home.createPrivateDirectories(root);
    try (TableLock lock = TableLock.acquire(root.resolve(layout.name() + ".lock"))) {
      Manifest manifest = refreshLocked(db, layout, names);
      try {
        return load(layout, manifest, columns, window);
      } catch (StaleSnapshot stale) {
        Manifest rebuilt = rebuild(db, layout, names, stale);
        try {
          return load(layout, rebuilt, columns, window);
        } catch (StaleSnapshot again) {
          throw new IOException("the " + layout.name() + " snapshot just written cannot be read: " + again.getMessage(), again);
        }
      }
    }
  }

  private Path tableDir(TableLayout layout) {
    return root.resolve(layout.name());
  }

  private Manifest refreshLocked(MetaDbReader db, TableLayout layout, Set<String> wanted)
      throws IOException, SQLException {
    Path dir = Home.createPrivateDirectories(tableDir(layout));
    Set<String> needed = withKey(wanted);
    Optional<Manifest> stored = readManifest(dir, layout);
    Manifest manifest = stored.isPresent() ? stored.get() : Manifest.empty(layout, needed, firstFreeSegment(dir));
    try {
      Manifest next = extend(db, dir, layout, manifest, needed);
      if (stored.isEmpty() || !next.equals(manifest)) {
        next.write(dir);
        deleteUnreferenced(dir, next);
      }
      return next;
    } catch (StaleSnapshot stale) {
      return rebuild(db, layout, wanted, stale);
    }
  }

  /** Replaces the table's snapshot by one built from scratch, after saying why. */
  private Manifest rebuild(MetaDbReader db, TableLayout layout, Set<String> wanted, StaleSnapshot why)
      throws IOException, SQLException {
    log.accept("rebuilding the " + layout.name() + " snapshot: " + why.getMessage());
    Path dir = tableDir(layout);
    Set<String> needed = withKey(wanted);
    Manifest rebuilt;
    try {
      rebuilt = extend(db, dir, layout, Manifest.empty(layout, needed, firstFreeSegment(dir)), needed);
    } catch (StaleSnapshot impossible) {
      throw new IllegalStateException("an empty snapshot cannot be stale", impossible);
    }
    rebuilt.write(dir);
    deleteUnreferenced(dir, rebuilt);
    return rebuilt;
  }

  /**
   * A segment number no file in {@code dir} uses: a rebuild never writes over a file the previous
   * manifest still names, so a rebuild that fails half way leaves the old snapshot intact.
   */
  private static int firstFreeSegment(Path dir) throws IOException {
    int next = 1;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "s*.arrow*")) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        int dot = name.indexOf('.');
        if (dot > 1) {
          try {
            next = Math.max(next, Integer.parseInt(name.substring(1, dot)) + 1);
          } catch (NumberFormatException notOurs) {
            // Not a segment file name: it cannot collide with one.
          }
        }
      }
    }
    return next;
  }

  private static Set<String> withKey(Set<String> columns) {
    Set<String> needed = new LinkedHashSet<>(columns);
    needed.add(TableLayout.ID);
    needed.add(TableLayout.TS_UTC);
    return needed;
  }

  /** The stored manifest if it can be extended; empty (after saying why) when it must be rebuilt. */
  private Optional<Manifest> readManifest(Path dir, TableLayout layout) throws IOException {
    try {
      Optional<Manifest> stored = Manifest.read(dir);
      if (stored.isPresent()) {
        Optional<String> why = stored.get().incompatibility(layout);
        if (why.isPresent()) {
          log.accept("rebuilding the " + layout.name() + " snapshot: " + why.get());
          return Optional.empty();
        }
      }
      return stored;
    } catch (Manifest.Unusable e) {
      log.accept("rebuilding the " + layout.name() + " snapshot: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** Steps 2-6 of the refresh; returns the manifest to commit. Writes segment files, not it. */
  private Manifest extend(MetaDbReader db, Path dir, TableLayout layout, Manifest manifest, Set<String> needed)
      throws IOException, SQLException, StaleSnapshot {
    RowBlock delta;
    String deltaWatermarkEventId = "";
    Manifest current = manifest;
    db.beginRead();
    try {
      if (current.watermarkId() > 0) {
        Optional<String> eventId = eventIdAt(db, layout, current.watermarkId());
        if (!eventId.equals(Optional.of(current.watermarkEventId()))) {
          throw new StaleSnapshot(
              "meta.db's row " + current.watermarkId() + " is no longer the one the snapshot ends with"
                  + " (meta.db was replaced or rewritten)");
        }
      }
      long deleted = rowsDeleted(db, layout);
      if (current.watermarkId() > 0 && deleted != current.rowsDeleted()) {
        throw new StaleSnapshot(
            (deleted - current.rowsDeleted()) + " of its rows were deleted from meta.db by retention since it was extended");
      }
      current = current.withRowsDeleted(deleted);
      Set<String> missing = new LinkedHashSet<>(needed);
      missing.removeAll(current.columns());
      if (!missing.isEmpty()) {
        if (!current.segments().isEmpty()) {
          addColumns(db, dir, layout, current, missing);
        }
        current = current.withColumns(layout, missing);
      }
      delta = readDelta(db, layout, current);
      if (delta.rows() > 0) {
        deltaWatermarkEventId = eventIdAt(db, layout, delta.ids().get(delta.rows() - 1)).orElseThrow();
      }
    } finally {
      db.endRead();
    }
    if (delta.rows() == 0) {
      delta.close();
      return current;
    }
    long watermark = delta.ids().get(delta.rows() - 1);
    return integrate(dir, layout, current, delta, watermark, deltaWatermarkEventId);
  }

  /** meta's count of {@code layout}'s rows deleted by retention ({@link RowRetention}); 0 when none. */
  private static long rowsDeleted(MetaDbReader db, TableLayout layout) throws SQLException {
    try (PreparedStatement st = db.connection().prepareStatement("SELECT value FROM meta WHERE key = ?")) {
      st.setString(1, RowRetention.deletedRowsKey(layout.table()));
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? Long.parseLong(rs.getString(1)) : 0;
      }
    }
  }

  private static Optional<String> eventIdAt(MetaDbReader db, TableLayout layout, long id) throws SQLException {
    try (PreparedStatement st =
        db.connection().prepareStatement("SELECT event_id FROM " + layout.name() + " WHERE id = ?")) {
      st.setLong(1, id);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** Step 3: files for {@code missing} columns of every existing segment. */
  private void addColumns(MetaDbReader db, Path dir, TableLayout layout, Manifest manifest, Set<String> missing)
      throws IOException, SQLException, StaleSnapshot {
    Set<String> read = new LinkedHashSet<>(missing);
    read.add(TableLayout.ID);
    read.add(TableLayout.TS_UTC);
    List<SnapshotColumn> columns = layout.select(read);
    String sql = "SELECT " + SqliteRows.selectList(columns) + " FROM " + layout.name()
        + " WHERE id <= ? ORDER BY ts_utc, id";
    RowBlock all;
    try (PreparedStatement st = db.connection().prepareStatement(sql)) {
      st.setLong(1, manifest.watermarkId());
      all = SqliteRows.readAll(st, columns, allocator);
    }
    try (all) {
      if (all.rows() != manifest.rows()) {
        throw new StaleSnapshot(
            "meta.db has " + all.rows() + " rows up to id " + manifest.watermarkId() + ", the snapshot " + manifest.rows());
      }
      int offset = 0;
      for (Manifest.Segment segment : manifest.segments()) {
        try (RowBlock part = all.slice(offset, offset + segment.rows())) {
          if (!part.key(0).equals(segment.firstKey()) || !part.key(part.rows() - 1).equals(segment.lastKey())) {
            throw new StaleSnapshot("segment " + segment.name() + " no longer lines up with meta.db's rows");
          }
          for (String column : missing) {
            ColumnFile.write(dir.resolve(segment.fileName(column)), part.vector(column));
          }
        }
        offset += segment.rows();
      }
    }
  }

  /** Step 4: the rows after the watermark, every column the snapshot holds, in key order. */
  private RowBlock readDelta(MetaDbReader db, TableLayout layout, Manifest manifest) throws SQLException {
    List<SnapshotColumn> columns = layout.select(manifest.columns());
    String sql = "SELECT " + SqliteRows.selectList(columns) + " FROM " + layout.name() + " WHERE id > ? ORDER BY id";
    try (PreparedStatement st = db.connection().prepareStatement(sql)) {
      st.setLong(1, manifest.watermarkId());
      return SqliteRows.readAll(st, columns, allocator);
    }
  }

  /** Steps 5-6: adds the delta to the segments; takes ownership of {@code delta}. */
  private Manifest integrate(
      Path dir, TableLayout layout, Manifest manifest, RowBlock delta, long watermark, String watermarkEventId)
      throws IOException, StaleSnapshot {
    List<Manifest.Segment> segments = new ArrayList<>(manifest.segments());
    int next = manifest.nextSegment();
    RowBlock merged;
    try (delta) {
      delta.sortByKey();
      RowKey first = delta.key(0);
      int from = segments.size();
      while (from > 0 && segments.get(from - 1).lastKey().compareTo(first) > 0) {
        from--;
      }
      if (from == segments.size()) {
        merged = delta.slice(0, delta.rows());
      } else {
        try (RowBlock tail = loadAll(dir, layout, manifest, segments.subList(from, segments.size()))) {
          merged = RowBlock.merge(allocator, tail, delta);
        }
        segments.subList(from, segments.size()).clear();
      }
    }
    try (merged) {
      segments.add(writeSegment(dir, String.format(SEGMENT_FORMAT, next++), merged, manifest.columns()));
    }
    while (segments.size() >= 2
        && segments.get(segments.size() - 2).rows() <= 2L * segments.get(segments.size() - 1).rows()) {
      List<Manifest.Segment> pair = segments.subList(segments.size() - 2, segments.size());
      try (RowBlock both = loadAll(dir, layout, manifest, pair)) {
        Manifest.Segment compacted = writeSegment(dir, String.format(SEGMENT_FORMAT, next++), both, manifest.columns());
        pair.clear();
        segments.add(compacted);
      }
    }
    return manifest.withSegments(segments, next, watermark, watermarkEventId);
  }

  private Manifest.Segment writeSegment(Path dir, String name, RowBlock block, List<String> columns) throws IOException {
    Manifest.Segment segment =
        new Manifest.Segment(name, block.rows(), block.key(0).tsMicros(), block.key(0).id(),
            block.key(block.rows() - 1).tsMicros(), block.key(block.rows() - 1).id());
    for (String column : columns) {
      ColumnFile.write(dir.resolve(segment.fileName(column)), block.vector(column));
    }
    return segment;
  }

  /** Every column of {@code segments} (adjacent, in order) as one block. */
  private RowBlock loadAll(Path dir, TableLayout layout, Manifest manifest, List<Manifest.Segment> segments)
      throws StaleSnapshot {
    List<RowBlock> blocks = new ArrayList<>();
    try {
      for (Manifest.Segment segment : segments) {
        blocks.add(loadSegment(dir, segment, layout.select(manifest.columns())));
      }
      return blocks.size() == 1 ? blocks.remove(0) : RowBlock.concat(allocator, blocks);
    } finally {
      for (RowBlock block : blocks) {
        block.close();
      }
    }
  }

  /** One segment's {@code columns}; a missing or damaged file makes the snapshot stale. */
  private RowBlock loadSegment(Path dir, Manifest.Segment segment, List<SnapshotColumn> columns) throws StaleSnapshot {
    List<FieldVector> vectors = new ArrayList<>();
    Path file = null;
    try {
      for (SnapshotColumn column : columns) {
        file = dir.resolve(segment.fileName(column.name()));
        vectors.add(ColumnFile.read(file, column.name(), segment.rows(), allocator));
      }
      return RowBlock.of(allocator, vectors, segment.rows());
    } catch (IOException | RuntimeException e) {
      for (FieldVector vector : vectors) {
        vector.close();
      }
      StaleSnapshot stale = new StaleSnapshot(file.getFileName() + " cannot be read (" + e + ")");
      stale.initCause(e);
      throw stale;
    }
  }

  /** READ: the window's rows of {@code columns}, segment by segment. */
  private List<RowBlock> load(TableLayout layout, Manifest manifest, List<SnapshotColumn> columns, TimeWindow window)
      throws StaleSnapshot {
    Path dir = tableDir(layout);
    List<RowBlock> out = new ArrayList<>();
    try {
      for (Manifest.Segment segment : manifest.segments()) {
        if (!window.overlaps(segment.firstTs(), segment.lastTs())) {
          continue;
        }
        boolean cut = window.sinceMicros() > segment.firstTs() || window.untilMicros() <= segment.lastTs();
        boolean needsTs = cut && columns.stream().noneMatch(c -> c.name().equals(TableLayout.TS_UTC));
        List<SnapshotColumn> read = new ArrayList<>(columns);
        if (needsTs) {
          read.add(layout.column(TableLayout.TS_UTC).orElseThrow());
        }
        RowBlock block = loadSegment(dir, segment, read);
        if (!cut) {
          out.add(block);
          continue;
        }
        try (block) {
          int from = window.since() == null ? 0 : block.firstAtOrAfter(window.sinceMicros());
          int to = window.until() == null ? block.rows() : block.firstAtOrAfter(window.untilMicros());
          RowBlock part = block.slice(from, to);
          if (needsTs) {
            part.detachColumn(TableLayout.TS_UTC).close();
          }
          out.add(part);
        }
      }
      return out;
    } catch (StaleSnapshot | RuntimeException e) {
      for (RowBlock block : out) {
        block.close();
      }
      throw e;
    }
  }

  /** Deletes files in {@code dir} that {@code manifest} does not name. */
  private static void deleteUnreferenced(Path dir, Manifest manifest) throws IOException {
    Set<String> keep = manifest.fileNames();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        if (!keep.contains(file.getFileName().toString())) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /** The snapshot no longer describes meta.db; the message says how they disagree. */
  private static final class StaleSnapshot extends Exception {
    StaleSnapshot(String message) {
      super(message);
    }
  }
}
