package dev.metadb.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.ingester.Sql;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;

/** A meta.db as a v1 build left it: the frozen v1 DDL, WAL, user_version 1, and some rows. */
final class V1Files {
  private V1Files() {}

  static void create(Path file) throws Exception {
    try (Connection c = Sql.connect(file)) {
      Sql.exec(c, "PRAGMA journal_mode=WAL");
      Sql.exec(c, Migrations.V1_DDL.toArray(String[]::new));
      Sql.exec(c,
          "INSERT INTO meta VALUES ('created_at', '2026-01-01T00:00:00.000000Z')",
          "INSERT INTO messages (id, event_id, ts_utc, host, pid, source, direction, body)"
              + " VALUES (7, 'e-1', '2026-01-01T00:00:01.000000Z', 'h', 10, 'bus', 'inbound', 'hello')",
          "INSERT INTO messages (id, event_id, ts_utc, host, pid, source, direction, body)"
              + " VALUES (9, 'e-2', '2026-01-01T00:00:02.000000Z', 'h', 10, 'bus', 'outbound', 'bye')",
          "INSERT INTO mcp_tool_calls (event_id, ts_utc, source, tool, success, duration_ms)"
              + " VALUES ('e-3', '2026-01-01T00:00:03.000000Z', 'agent', 'grep', 1, 42)",
          "INSERT INTO ingest_checkpoint VALUES ('slot-00', 123456789, '2026-01-01T00:00:04.000000Z')",
          "PRAGMA user_version = 1");
    }
  }

  static void assertRowsIntact(Connection c) throws Exception {
    assertEquals(
        List.of(
            List.of(7, "e-1", "2026-01-01T00:00:01.000000Z", "h", 10, "bus", "inbound", "hello"),
            List.of(9, "e-2", "2026-01-01T00:00:02.000000Z", "h", 10, "bus", "outbound", "bye")),
        Sql.rows(c, "SELECT id, event_id, ts_utc, host, pid, source, direction, body FROM messages ORDER BY id"));
    assertEquals(
        List.of(List.of("e-3", "grep", 1, 42)),
        Sql.rows(c, "SELECT event_id, tool, success, duration_ms FROM mcp_tool_calls"));
    assertEquals(
        List.of(List.of("slot-00", 123456789, 0, "2026-01-01T00:00:04.000000Z")),
        Sql.rows(c, "SELECT slot, queue_index, entries, updated_at FROM ingest_checkpoint"));
    assertEquals(0, Sql.count(c, "SELECT count(*) FROM messages WHERE ingested_at IS NULL OR ingested_at = ''"));
    assertEquals("2026-01-01T00:00:00.000000Z", Sql.text(c, "SELECT value FROM meta WHERE key = 'created_at'"));
    assertTrue(Sql.count(c, "SELECT count(*) FROM sqlite_master WHERE name = 'replay_ledger'") == 1);
  }
}
