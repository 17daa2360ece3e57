package dev.metadb.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Table;
import dev.metadb.store.Schema;
import dev.metadb.writer.Home;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metadb export}: files Arrow's own reader opens, holding every value of every row. */
class ExportTest {
  static final Instant START = Instant.parse("2026-11-25T00:00:00Z");

  @TempDir static Path dir;
  static Home home;

  @BeforeAll
  static void fill() throws Exception {
    home = TestDb.create(dir.resolve("home"));
    Random random = new Random(9);
    try (Connection c = TestDb.open(home)) {
      for (Table table : Table.values()) {
        if (table == Table.IROH_EVENTS) {
          continue;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int n = 0; n < 9; n++) {
          rows.add(TestDb.row(table, START.plusSeconds(n), TestDb.Fill.VALUES, n, random));
        }
        rows.add(TestDb.row(table, START.plusSeconds(3), TestDb.Fill.NULLS, 0, random));
        rows.addAll(TestDb.rows(table, START.plusSeconds(20), table == Table.MESSAGES ? 70_000 : 5, random));
        TestDb.insert(c, table, rows);
      }
    }
  }

  @Test
  void everyTableIsOneArrowFileWithEveryValue() throws Exception {
    Path out = dir.resolve("export-all");
    List<String> progress = new ArrayList<>();
    List<Exporter.TableFile> files = Exporter.export(home, out, List.of(Table.values()), null, progress::add);
    assertEquals(Table.values().length, files.size());
    assertEquals(Table.values().length, progress.size());
    for (Exporter.TableFile file : files) {
      Table table = Table.byName(file.table()).orElseThrow();
      assertEquals(out.resolve(table.sqlName() + ".arrow"), file.file());
      long rows = checkFile(table, file.file(), null);
      assertEquals(rows, file.rows());
      assertEquals(table == Table.IROH_EVENTS ? 0 : table == Table.MESSAGES ? 70_010 : 15, rows, table.sqlName());
    }
    try (var listing = Files.list(out)) {
      assertEquals(Table.values().length, listing.count(), "no temporary files are left");
    }
  }

  @Test
  void sinceKeepsOnlyLaterRowsAndReplacesTheOldFile() throws Exception {
    Path out = dir.resolve("export-since");
    Exporter.export(home, out, List.of(Table.MESSAGES), null, line -> {});
    Instant since = START.plusSeconds(5);
    List<Exporter.TableFile> files = Exporter.export(home, out, List.of(Table.MESSAGES, Table.TICKS), since, line -> {});
    assertEquals(70_004, checkFile(Table.MESSAGES, files.get(0).file(), since));
    assertEquals(9, checkFile(Table.TICKS, files.get(1).file(), since));
  }

  @Test
  void aFileWhereTheDirectoryShouldBeIsBadInput() throws Exception {
    Path file = dir.resolve("not-a-dir");
    Files.writeString(file, "x");
    QueryException e = assertThrows(QueryException.class,
        () -> Exporter.export(home, file, List.of(Table.TICKS), null, line -> {}));
    assertEquals(QueryException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
  }

  /** Reads {@code file} with Arrow's reader and checks it against SQLite; returns its row count. */
  private static long checkFile(Table table, Path file, Instant since) throws Exception {
    TableLayout layout = TableLayout.of(table);
    String sql = "SELECT " + layout.columns().stream().map(SnapshotColumn::name).collect(Collectors.joining(", "))
        + " FROM " + table.sqlName() + " WHERE ts_utc >= ? ORDER BY ts_utc, id";
    long rows = 0;
    try (RootAllocator allocator = new RootAllocator();
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader reader = new ArrowFileReader(channel, allocator);
        Connection c = TestDb.open(home);
        PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, since == null ? "0" : dev.metadb.event.Timestamps.format(since));
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      Map<String, String> metadata = root.getSchema().getCustomMetadata();
      assertEquals(table.sqlName(), metadata.get("metadb.table"));
      assertEquals(Integer.toString(Schema.VERSION), metadata.get("metadb.schema_version"));
      List<String> names = root.getSchema().getFields().stream().map(f -> f.getName()).toList();
      assertEquals(layout.columns().stream().map(SnapshotColumn::name).toList(), names);
      try (ResultSet rs = st.executeQuery()) {
        while (reader.loadNextBatch()) {
          for (int r = 0; r < root.getRowCount(); r++, rows++) {
            assertTrue(rs.next(), "SQLite has as many rows as the file");
            int i = 1;
            for (SnapshotColumn column : layout.columns()) {
              FieldVector vector = root.getVector(column.name());
              Object stored = rs.getObject(i++);
              long row = rows;
              Supplier<String> where = () -> file.getFileName() + " " + column.name() + " row " + row;
              assertEquals(!column.nullable(), !vector.getField().isNullable(), where);
              if (stored == null) {
                assertTrue(vector.isNull(r), where);
                continue;
              }
              switch (column.kind()) {
                case TEXT -> {
                  assertEquals(ArrowType.Utf8.INSTANCE, vector.getField().getType(), where);
                  assertEquals(stored, ((VarCharVector) vector).getObject(r).toString(), where);
                }
                case BIGINT -> assertEquals(((Number) stored).longValue(), ((BigIntVector) vector).get(r), where);
                case BOOL -> assertEquals(((Number) stored).intValue(), ((BitVector) vector).get(r), where);
                case TIMESTAMP -> {
                  assertEquals(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"), vector.getField().getType(), where);
                  assertEquals(TimestampText.toMicros(Instant.parse((String) stored)), ((TimeStampMicroTZVector) vector).get(r), where);
                }
              }
            }
          }
        }
        assertTrue(!rs.next(), "the file has as many rows as SQLite");
      }
    }
    return rows;
  }
}
