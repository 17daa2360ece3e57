package dev.metadb.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.metadb.event.Table;
import dev.metadb.writer.Home;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registered Arrow stream can be scanned once. A table the SQL names twice is copied into
 * DuckDB up front; one DuckDB scans twice although the SQL names it once (a recursive CTE) is
 * caught and the query runs again with copies.
 */
class SinglePassStreamTest {
  static final String TWICE = "SELECT count(*) FROM messages m WHERE EXISTS (SELECT 1 FROM messages n WHERE n.id = m.id - 1)";

  @TempDir Path dir;

  @Test
  void aSecondScanOfAStreamIsDetectedAndACopyAnswers() throws Exception {
    TableLayout layout = TableLayout.of(Table.MESSAGES);
    List<SnapshotColumn> columns = layout.select(Set.of("id", "ts_utc"));
    Schema schema = new Schema(List.of(columns.get(0).field(), columns.get(1).field()));
    try (RootAllocator allocator = new RootAllocator(); DuckSession session = DuckSession.open(allocator);
        RowBlock block = RowBlock.allocate(allocator, columns)) {
      for (int i = 0; i < 10; i++) {
        block.ids().setSafe(i, i);
        block.timestamps().setSafe(i, i);
      }
      block.setRows(10);
      try (DuckSession.Registration stream = session.register("messages", schema, List.of(block), false)) {
        assertThrows(DuckSession.StreamReusedException.class, () -> session.execute(TWICE, 100).close());
      }
      try (DuckSession.Registration copy = session.register("messages", schema, List.of(block), true);
          DuckSession.Result result = session.execute(TWICE, 100)) {
        result.reader().loadNextBatch();
        assertEquals(9, ((BigIntVector) result.reader().getVectorSchemaRoot().getVector(0)).get(0));
      }
    }
  }

  @Test
  void aQueryDuckDbScansMoreOftenThanItNamesTheTableStillAnswers() throws Exception {
    Home home = TestDb.create(dir.resolve("home"));
    try (Connection c = TestDb.open(home)) {
      TestDb.insert(c, Table.MESSAGES, TestDb.rows(Table.MESSAGES, Instant.parse("2026-11-25T00:00:00Z"), 12, new Random(2)));
    }
    try (QueryEngine engine = TestDb.engine(home, new ArrayList<>())) {
      String recursive = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r"
          + " WHERE n < (SELECT count(*) FROM messages)) SELECT max(n) AS top FROM r";
      assertEquals(12, TestDb.queryJson(engine, recursive).path("rows").get(0).path("top").asLong());
      assertEquals(11, TestDb.queryJson(engine, TWICE.replace("count(*)", "count(*) AS n")).path("rows").get(0).path("n").asLong());
    }
  }
}
