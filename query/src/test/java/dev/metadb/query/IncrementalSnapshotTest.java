package dev.metadb.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import dev.metadb.store.Schema;
import dev.metadb.writer.Home;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.util.Text;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incremental snapshot, extended again and again from its id watermark, always equals a
 * snapshot built from scratch and SQLite's own {@code ORDER BY ts_utc, id}: after appends, after
 * rows replayed out of time order, after many small appends (compaction), and it is rebuilt, not
 * extended, when it no longer describes meta.db.
 */
class IncrementalSnapshotTest {
  static final Table T = Table.MESSAGES;
  static final TableLayout LAYOUT = TableLayout.of(T);
  static final Instant START = Instant.parse("2026-11-25T00:00:00Z");

  @TempDir Path dir;
  Home home;
  Random random = new Random(5);
  List<String> log = new ArrayList<>();

  @BeforeEach
  void create() throws Exception {
    home = TestDb.create(dir.resolve("home"));
  }

  private void insert(List<Map<String, Object>> rows) throws Exception {
    try (Connection c = TestDb.open(home)) {
      TestDb.insert(c, T, rows);
    }
  }

  /** Rows with ts_utc drawn at random inside [START, START + spanMillis), some repeating. */
  private List<Map<String, Object>> scattered(int count, int spanMillis) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(TestDb.row(T, START.plusMillis(random.nextInt(spanMillis)), TestDb.Fill.RANDOM, i, random));
    }
    return rows;
  }

  /** Every column of the table's snapshot under {@code root}, refreshed first, row by row. */
  private List<List<Object>> snapshot(Path root) throws Exception {
    try (BufferAllocator allocator = new RootAllocator(); MetaDbReader db = MetaDbReader.open(home.metaDb())) {
      SnapshotStore store = new SnapshotStore(root, allocator, log::add);
      List<RowBlock> blocks = store.read(db, LAYOUT, LAYOUT.columns(), TimeWindow.ALL);
      try {
        List<List<Object>> rows = new ArrayList<>();
        for (RowBlock block : blocks) {
          for (int r = 0; r < block.rows(); r++) {
            List<Object> row = new ArrayList<>();
            for (SnapshotColumn column : LAYOUT.columns()) {
              FieldVector vector = block.vector(column.name());
              Object value = vector.isNull(r) ? null : vector.getObject(r);
              row.add(value instanceof Text text ? text.toString() : value);
            }
            rows.add(row);
          }
        }
        return rows;
      } finally {
        blocks.forEach(RowBlock::close);
      }
    }
  }

  /** The same, straight from SQLite in key order. */
  private List<List<Object>> sqlite() throws Exception {
    List<List<Object>> rows = new ArrayList<>();
    String columns = LAYOUT.columns().stream().map(SnapshotColumn::name).collect(Collectors.joining(", "));
    try (Connection c = TestDb.open(home); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT " + columns + " FROM " + T.sqlName() + " ORDER BY ts_utc, id")) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        int i = 1;
        for (SnapshotColumn column : LAYOUT.columns()) {
          Object value = rs.getObject(i++);
          row.add(value == null ? null : switch (column.kind()) {
            case TEXT -> value.toString();
            case BIGINT -> ((Number) value).longValue();
            case BOOL -> ((Number) value).intValue() != 0;
            case TIMESTAMP -> TimestampText.toMicros(Instant.parse(value.toString()));
          });
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private Manifest manifest(Path root) throws Exception {
    return Manifest.read(root.resolve(T.sqlName())).orElseThrow();
  }

  private void assertIncrementalEqualsRebuild(Path incremental, String step) throws Exception {
    List<List<Object>> extended = snapshot(incremental);
    Path fresh = dir.resolve("rebuild-" + System.nanoTime());
    assertEquals(snapshot(fresh), extended, step + ": incremental vs rebuilt");
    assertEquals(sqlite(), extended, step + ": incremental vs SQLite ORDER BY ts_utc, id");
  }

  @Test
  void incrementalEqualsRebuildAfterAppendsAndOutOfOrderInserts() throws Exception {
    Path root = dir.resolve("snapshots");
    insert(TestDb.rows(T, START, 2000, random));
    assertIncrementalEqualsRebuild(root, "first build");
    assertEquals(1, manifest(root).segments().size());

    insert(TestDb.rows(T, START.plusSeconds(10), 700, random));
    assertIncrementalEqualsRebuild(root, "append in time order");
    Manifest appended = manifest(root);
    assertEquals(2, appended.segments().size(), "an in-order append is a new segment: " + appended);
    assertEquals(2700, appended.watermarkId());

    // Replayed events: old ts_utc (before, inside and equal to existing ones), new ids.
    List<Map<String, Object>> late = scattered(300, 12_000);
    late.add(TestDb.row(T, START.minusSeconds(60), TestDb.Fill.RANDOM, 1, random));
    late.add(TestDb.row(T, START, TestDb.Fill.RANDOM, 2, random));
    insert(late);
    assertIncrementalEqualsRebuild(root, "out-of-order inserts");
    assertEquals(3002, manifest(root).watermarkId());

    for (int round = 0; round < 25; round++) {
      insert(TestDb.rows(T, START.plusSeconds(20 + round), 7, random));
      if (round % 6 == 5) {
        insert(scattered(3, 30_000));
      }
      snapshot(root);
    }
    assertIncrementalEqualsRebuild(root, "many small appends");
    int segments = manifest(root).segments().size();
    assertTrue(segments <= 8, "compaction keeps segments few: " + segments);
    assertTrue(log.isEmpty(), "no rebuild was needed: " + log);
  }

  @Test
  void retentionDeletesAreNoticedAndTheSnapshotFollowsThem() throws Exception {
    Path root = dir.resolve("snapshots");
    insert(TestDb.rows(T, START, 2000, random));
    insert(TestDb.rows(T, START.plus(java.time.Duration.ofDays(40)), 500, random));
    assertIncrementalEqualsRebuild(root, "before retention");
    try (dev.metadb.store.MetaDatabase db = dev.metadb.store.MetaDatabase.open(home.metaDb())) {
      dev.metadb.ingester.RetentionPolicies.set(db, T.sqlName(), java.time.Duration.ofDays(30).toSeconds(), START);
      dev.metadb.ingester.RowRetention retention =
          new dev.metadb.ingester.RowRetention(db, () -> START.plus(java.time.Duration.ofDays(41)), line -> {});
      long deleted = 0;
      for (int i = 0; i < 100 && !retention.resting(); i++) {
        deleted += retention.runIdle(java.time.Duration.ofMillis(50));
      }
      assertEquals(2000, deleted);
      retention.close();
    }
    log.clear();
    assertIncrementalEqualsRebuild(root, "after retention");
    assertEquals(500, snapshot(root).size());
    assertTrue(log.stream().anyMatch(l -> l.contains("deleted from meta.db by retention")), log.toString());
    assertEquals(2000, manifest(root).rowsDeleted());
  }

  @Test
  void appliedDeltaTwiceIsStillEachRowOnce() throws Exception {
    insert(TestDb.rows(T, START, 50, random));
    insert(scattered(50, 50));
    try (BufferAllocator allocator = new RootAllocator(); MetaDbReader db = MetaDbReader.open(home.metaDb())) {
      db.beginRead();
      RowBlock all;
      try (PreparedStatement st = db.connection().prepareStatement(
          "SELECT id, ts_utc, source FROM messages ORDER BY id")) {
        all = SqliteRows.readAll(st, LAYOUT.select(Set.of("id", "ts_utc", "source")), allocator);
      } finally {
        db.endRead();
      }
      try (all) {
        all.sortByKey();
        try (RowBlock twice = RowBlock.merge(allocator, all, all);
            RowBlock half = all.slice(30, 80);
            RowBlock overlapping = RowBlock.merge(allocator, all, half)) {
          assertEquals(100, twice.rows());
          assertEquals(100, overlapping.rows());
          for (int r = 0; r < 100; r++) {
            assertEquals(all.key(r), twice.key(r));
            assertEquals(all.key(r), overlapping.key(r));
            assertEquals(all.vector("source").getObject(r), overlapping.vector("source").getObject(r));
          }
        }
      }
    }
  }

  @Test
  void onlyTheColumnsQueriesNameAreKept() throws Exception {
    insert(TestDb.rows(T, START, 500, random));
    Path tableDir = home.snapshotsDir().resolve(T.sqlName());
    try (QueryEngine engine = TestDb.engine(home, log)) {
      assertEquals(500, TestDb.queryJson(engine, "SELECT count(*) AS n FROM messages").path("rows").get(0).path("n").asLong());
      assertEquals(List.of("id", "ts_utc"), manifest(home.snapshotsDir()).columns());
      assertEquals(Set.of("manifest.json", "s000001.id.arrow", "s000001.ts_utc.arrow"), files(tableDir));

      JsonNode bySource = TestDb.queryJson(engine, "SELECT source, count(*) AS n FROM messages GROUP BY source ORDER BY source");
      assertEquals(List.of("id", "ts_utc", "source"), manifest(home.snapshotsDir()).columns());
      assertTrue(files(tableDir).contains("s000001.source.arrow"));
      try (Connection c = TestDb.open(home); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT source, count(*) FROM messages GROUP BY source ORDER BY source")) {
        for (JsonNode row : bySource.path("rows")) {
          assertTrue(rs.next());
          assertEquals(rs.getString(1), row.path("source").asText());
          assertEquals(rs.getLong(2), row.path("n").asLong());
        }
        assertFalse(rs.next());
      }

      // A new column for rows already in several segments is cut at the segment boundaries.
      insert(TestDb.rows(T, START.plusSeconds(5), 300, random));
      insert(scattered(20, 400));
      TestDb.queryJson(engine, "SELECT count(*) FROM messages");
      JsonNode bodies = TestDb.queryJson(engine, "SELECT id, body FROM messages ORDER BY id");
      try (Connection c = TestDb.open(home); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT id, body FROM messages ORDER BY id")) {
        for (JsonNode row : bodies.path("rows")) {
          assertTrue(rs.next());
          assertEquals(rs.getLong(1), row.path("id").asLong());
          assertEquals(rs.getString(2), row.path("body").isNull() ? null : row.path("body").asText());
        }
        assertFalse(rs.next());
      }
    }
    assertTrue(log.isEmpty(), log.toString());
  }

  @Test
  void windowsEqualSqliteWithAndWithoutASnapshot() throws Exception {
    insert(TestDb.rows(T, START, 1000, random));
    insert(scattered(200, 1000));
    String sql = "SELECT count(*) AS n, min(id) AS lo, max(id) AS hi, count(DISTINCT ts_utc) AS distinct_ts FROM messages";
    List<TimeWindow> windows = List.of(
        new TimeWindow(START.plusMillis(100), START.plusMillis(200)),
        new TimeWindow(START.plusMillis(100), null),
        new TimeWindow(null, START.plusMillis(357)),
        new TimeWindow(START.minusSeconds(10), START.plusSeconds(10)),
        new TimeWindow(START.plusSeconds(100), null),
        new TimeWindow(START.plusNanos(500_000), START.plusNanos(1_500_000)));
    try (QueryEngine engine = TestDb.engine(home, log)) {
      // No snapshot yet: the window is pushed into SQLite and nothing is kept.
      assertEquals(expected(windows.get(0)), actual(TestDb.queryJson(engine, sql, windows.get(0))));
      assertFalse(Files.exists(home.snapshotsDir().resolve(T.sqlName()).resolve(Manifest.FILE)),
          "a windowed query on a table without a snapshot reads SQLite directly");
      // With a snapshot (several segments), windows are cut from it.
      TestDb.queryJson(engine, "SELECT count(*) FROM messages");
      insert(TestDb.rows(T, START.plusMillis(1000), 500, random));
      TestDb.queryJson(engine, "SELECT count(*) FROM messages");
      assertTrue(manifest(home.snapshotsDir()).segments().size() >= 2);
      for (TimeWindow window : windows) {
        assertEquals(expected(window), actual(TestDb.queryJson(engine, sql, window)), window.toString());
      }
    }
  }

  private List<Object> expected(TimeWindow window) throws Exception {
    String sql = "SELECT count(*), min(id), max(id), count(DISTINCT ts_utc) FROM messages WHERE ts_utc >= ? AND ts_utc < ?";
    try (Connection c = TestDb.open(home); PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, window.since() == null ? "0000" : Timestamps.format(window.since()));
      st.setString(2, window.until() == null ? "9999-99" : Timestamps.format(window.until()));
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return Stream.of(rs.getLong(1), rs.getObject(2), rs.getObject(3), rs.getLong(4))
            .map(v -> v == null ? null : ((Number) v).longValue()).collect(Collectors.toList());
      }
    }
  }

  private static List<Object> actual(JsonNode doc) {
    JsonNode row = doc.path("rows").get(0);
    return Stream.of("n", "lo", "hi", "distinct_ts")
        .map(k -> row.path(k).isNull() ? null : (Object) row.path(k).asLong()).collect(Collectors.toList());
  }

  @Test
  void aSnapshotFromAnotherSchemaVersionIsRebuilt() throws Exception {
    insert(TestDb.rows(T, START, 300, random));
    try (QueryEngine engine = TestDb.engine(home, log)) {
      TestDb.queryJson(engine, "SELECT count(*) FROM messages");
      Path file = home.snapshotsDir().resolve(T.sqlName()).resolve(Manifest.FILE);
      String text = Files.readString(file);
      Files.writeString(file, text.replace("\"schema_version\" : " + Schema.VERSION, "\"schema_version\" : 1"));
      insert(TestDb.rows(T, START.plusSeconds(1), 10, random));
      JsonNode doc = TestDb.queryJson(engine, "SELECT count(*) AS n FROM messages");
      assertEquals(310, doc.path("rows").get(0).path("n").asLong());
    }
    assertEquals(1, log.size(), log.toString());
    assertTrue(log.get(0).contains("schema v1"), log.get(0));
    assertEquals(Schema.VERSION, manifest(home.snapshotsDir()).schemaVersion());
    assertEquals(310, manifest(home.snapshotsDir()).rows());
    assertEquals(List.of("s000002"), manifest(home.snapshotsDir()).segments().stream().map(Manifest.Segment::name).toList(),
        "a rebuild writes new files instead of over the ones the old manifest names");
    assertEquals(Set.of("manifest.json", "s000002.id.arrow", "s000002.ts_utc.arrow"),
        files(home.snapshotsDir().resolve(T.sqlName())));
  }

  @Test
  void aReplacedMetaDbIsNotMistakenForAnExtendedOne() throws Exception {
    insert(TestDb.rows(T, START, 300, random));
    try (QueryEngine engine = TestDb.engine(home, log)) {
      TestDb.queryJson(engine, "SELECT count(*) FROM messages");
      for (String suffix : List.of("", "-wal", "-shm")) {
        Files.deleteIfExists(Path.of(home.metaDb() + suffix));
      }
      TestDb.create(home.dir());
      insert(TestDb.rows(T, START, 400, random));
      JsonNode doc = TestDb.queryJson(engine, "SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM messages");
      assertEquals(400, doc.path("rows").get(0).path("n").asLong());
      assertEquals(400, doc.path("rows").get(0).path("ids").asLong());
    }
    assertEquals(1, log.size(), log.toString());
    assertTrue(log.get(0).contains("replaced"), log.get(0));
    assertEquals(sqlite(), snapshot(home.snapshotsDir()));
  }

  @Test
  void aDamagedSegmentFileIsRebuiltFromMetaDb() throws Exception {
    insert(TestDb.rows(T, START, 300, random));
    try (QueryEngine engine = TestDb.engine(home, log)) {
      TestDb.queryJson(engine, "SELECT source FROM messages");
      Path segment = home.snapshotsDir().resolve(T.sqlName()).resolve("s000001.source.arrow");
      Files.write(segment, "not arrow".getBytes(StandardCharsets.UTF_8));
      JsonNode doc = TestDb.queryJson(engine, "SELECT count(source) AS n FROM messages");
      assertEquals(300, doc.path("rows").get(0).path("n").asLong());
    }
    assertEquals(1, log.size(), log.toString());
    assertTrue(log.get(0).contains("s000001.source.arrow cannot be read"), log.get(0));
  }

  @Test
  void anUnwritableSnapshotDirectoryFallsBackToReadingMetaDb() throws Exception {
    insert(TestDb.rows(T, START, 200, random));
    Files.writeString(home.snapshotsDir(), "a file where the snapshots directory belongs");
    try (QueryEngine engine = TestDb.engine(home, log)) {
      assertEquals(200, TestDb.queryJson(engine, "SELECT count(*) AS n FROM messages").path("rows").get(0).path("n").asLong());
    }
    assertEquals(1, log.size(), log.toString());
    assertTrue(log.get(0).contains("cannot be used") && log.get(0).contains("reading meta.db directly"), log.get(0));
  }

  private static Set<String> files(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }
}
