package dev.metadb.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Envelope;
import dev.metadb.event.SampleEvents;
import dev.metadb.event.Table;
import dev.metadb.event.Tick;
import dev.metadb.event.Timestamps;
import dev.metadb.ingester.Sql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventInserterTest {
  @TempDir Path dir;

  @Test
  void insertsEveryTableOnceAndBindsEachTypeAsSpecified() throws Exception {
    Path file = dir.resolve("meta.db");
    try (MetaDatabase db = MetaDatabase.open(file);
        EventInserter inserter = new EventInserter(db.connection())) {
      try (WriteTransaction tx = db.begin()) {
        for (Table table : Table.values()) {
          Envelope envelope = SampleEvents.sample(table, 3);
          assertTrue(inserter.insert(envelope, SampleEvents.someTime()), table + " first insert");
          assertFalse(inserter.insert(envelope, SampleEvents.someTime()), table + " repeated insert");
        }
        tx.commit();
      }
    }
    try (Connection c = Sql.connect(file)) {
      for (Table table : Table.values()) {
        assertEquals(1, Sql.count(c, "SELECT count(*) FROM " + table.sqlName()), table.sqlName());
        assertEquals("2026-11-25T03:00:00.000001Z", Sql.text(c, "SELECT ingested_at FROM " + table.sqlName()));
      }
      assertEquals(
          List.of(List.of("grep-free", 1, 3, "{\"n\":3}", "2026-11-25T02:44:00.123456Z")),
          Sql.rows(c, "SELECT 'grep-free', success, duration_ms, request_json, ts_utc_start FROM mcp_tool_calls"));
      assertEquals(List.of(List.of("inbound", "test-host", 4242)),
          Sql.rows(c, "SELECT direction, host, pid FROM messages"));
      assertEquals("timeout", Sql.text(c, "SELECT error_class FROM source_errors"));
      String ts = Sql.text(c, "SELECT ts_utc FROM ticks");
      assertEquals(ts, Timestamps.format(Timestamps.parse(ts)), "ts_utc is not in the fixed-width format");
    }
  }

  @Test
  void aRolledBackTransactionLeavesNothing() throws Exception {
    Path file = dir.resolve("meta.db");
    try (MetaDatabase db = MetaDatabase.open(file);
        EventInserter inserter = new EventInserter(db.connection())) {
      try (WriteTransaction tx = db.begin()) {
        assertTrue(inserter.insert(SampleEvents.mixed(1), SampleEvents.someTime()));
      }
      assertEquals(0, Sql.count(db.connection(), "SELECT count(*) FROM crashes"));
    }
  }

  @Test
  void aRowRefusedByNotNullIsAnErrorNotADuplicate() throws Exception {
    Path file = dir.resolve("meta.db");
    try (MetaDatabase db = MetaDatabase.open(file);
        EventInserter inserter = new EventInserter(db.connection())) {
      // Records have public constructors: an unvalidated event can carry a null required column.
      Envelope unchecked = new Envelope("e-null", SampleEvents.someTime(), "h", 1L, new Tick(null, null));
      SQLIntegrityConstraintViolationException e = assertThrows(
          SQLIntegrityConstraintViolationException.class, () -> inserter.insert(unchecked, SampleEvents.someTime()));
      assertEquals(19, e.getErrorCode());
      assertTrue(e.getMessage().startsWith("ticks: row with event_id e-null was refused"), e.getMessage());
      assertEquals(0, Sql.count(db.connection(), "SELECT count(*) FROM ticks"));
    }
  }
}
