package dev.metadb.ingester;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deleters' rule: nothing above the lowest lake watermark, never the newest row. */
class ExportWatermarksTest {
  @TempDir Path dir;

  @Test
  void deletableIdsStopBelowTheLowestWatermarkAndTheNewestRow() throws Exception {
    Path file = dir.resolve("meta.db");
    try (MetaDatabase db = MetaDatabase.open(file)) {
      Connection c = db.connection();
      assertEquals(Long.MAX_VALUE, ExportWatermarks.deletableUpTo(c, "crashes"), "no lake: no limit");
      Sql.exec(c, "INSERT INTO export_watermark VALUES ('/lake/a', 'crashes', 0, 0, 'now')");
      assertEquals(0, ExportWatermarks.deletableUpTo(c, "crashes"), "a registered lake, no rows yet");
      for (int i = 1; i <= 10; i++) {
        Sql.exec(c, "INSERT INTO crashes (event_id, ts_utc, ingested_at, kind) VALUES ('e" + i + "', 't', 't', 'oom')");
      }
      assertEquals(0, ExportWatermarks.deletableUpTo(c, "crashes"), "nothing exported yet");
      Sql.exec(c, "UPDATE export_watermark SET last_id = 7");
      assertEquals(7, ExportWatermarks.deletableUpTo(c, "crashes"));
      Sql.exec(c, "INSERT INTO export_watermark VALUES ('/lake/b', 'crashes', 4, 4, 'now')");
      assertEquals(4, ExportWatermarks.deletableUpTo(c, "crashes"), "the slowest lake decides");
      Sql.exec(c, "UPDATE export_watermark SET last_id = 10");
      assertEquals(9, ExportWatermarks.deletableUpTo(c, "crashes"), "the newest row stays, so its id is not reused");
      assertEquals(Long.MAX_VALUE, ExportWatermarks.deletableUpTo(c, "ticks"), "another table, no lake");
    }
  }
}
