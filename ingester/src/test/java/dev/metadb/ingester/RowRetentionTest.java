package dev.metadb.ingester;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Envelope;
import dev.metadb.event.EventIds;
import dev.metadb.event.Table;
import dev.metadb.event.Tick;
import dev.metadb.event.Timestamps;
import dev.metadb.store.EventInserter;
import dev.metadb.store.MetaDatabase;
import dev.metadb.store.WriteTransaction;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention deletes over a real meta.db: which rows go, which stay, the counter, the space. */
class RowRetentionTest {
  private static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

  @TempDir Path dir;

  /** Inserts {@code n} ticks whose ts_utc is {@code daysAgo} days before NOW, in one transaction. */
  private static void insert(MetaDatabase db, int n, double daysAgo, String body) throws Exception {
    try (EventInserter inserter = new EventInserter(db.connection()); WriteTransaction tx = db.begin()) {
      for (int i = 0; i < n; i++) {
        Instant ts = NOW.minusSeconds((long) (daysAgo * 86_400)).plusMillis(i);
        inserter.insert(new Envelope(EventIds.next(), ts, "h", 1L, new Tick("s", body)), NOW);
      }
      tx.commit();
    }
  }

  private static RowRetention deleter(MetaDatabase db, AtomicReference<Instant> clock) {
    return new RowRetention(db, clock::get, line -> {});
  }

  /** Idle moments until nothing more is deleted and the free pages are given back. */
  private static long drain(RowRetention retention) throws Exception {
    long total = 0;
    for (int i = 0; i < 1000 && !retention.resting(); i++) {
      total += retention.runIdle(Duration.ofMillis(50));
    }
    return total;
  }

  @Test
  void deletesOnlyRowsOlderThanThePolicyKeepsTheNewestAndCounts() throws Exception {
    try (MetaDatabase db = MetaDatabase.open(dir.resolve("meta.db"))) {
      assertEquals(2, Sql.count(db.connection(), "PRAGMA auto_vacuum"), "new files are INCREMENTAL");
      insert(db, 1200, 40, null);
      insert(db, 300, 29, null);
      RowRetention retention = deleter(db, new AtomicReference<>(NOW));
      assertEquals(0, drain(retention), "no policy: nothing goes");
      RetentionPolicies.set(db, "ticks", Duration.ofDays(30).toSeconds(), NOW);
      retention.wake();
      assertEquals(1200, drain(retention));
      assertEquals(300, Sql.count(db.connection(), "SELECT count(*) FROM ticks"));
      assertEquals(0, Sql.count(db.connection(),
          "SELECT count(*) FROM ticks WHERE ts_utc < '" + Timestamps.format(NOW.minus(Duration.ofDays(30))) + "'"));
      assertEquals(1200, Sql.count(db.connection(), "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'rows_deleted:ticks'"));

      // Everything expired: the newest row stays, so ids keep growing.
      retention = deleter(db, new AtomicReference<>(NOW.plus(Duration.ofDays(100))));
      assertEquals(299, drain(retention));
      assertEquals(1500, Sql.count(db.connection(), "SELECT id FROM ticks"));
    }
  }

  @Test
  void aDefaultPolicyAppliesToTablesWithoutTheirOwnAndKeepMeansForever() throws Exception {
    try (MetaDatabase db = MetaDatabase.open(dir.resolve("meta.db"))) {
      insert(db, 100, 10, null);
      RetentionPolicies.set(db, RetentionPolicies.DEFAULT, Duration.ofDays(5).toSeconds(), NOW);
      RetentionPolicies.set(db, "ticks", RetentionPolicies.KEEP, NOW);
      assertEquals(0, drain(deleter(db, new AtomicReference<>(NOW))));
      assertTrue(RetentionPolicies.remove(db, "ticks"));
      assertEquals(99, drain(deleter(db, new AtomicReference<>(NOW))));
    }
  }

  @Test
  void rowsNotYetExportedToEveryLakeStay() throws Exception {
    try (MetaDatabase db = MetaDatabase.open(dir.resolve("meta.db"))) {
      insert(db, 100, 40, null);
      try (Statement st = db.connection().createStatement()) {
        st.execute("INSERT INTO export_watermark (lake, table_name, last_id, updated_at) VALUES ('/a', 'ticks', 60, 'x')");
        st.execute("INSERT INTO export_watermark (lake, table_name, last_id, updated_at) VALUES ('/b', 'ticks', 25, 'x')");
        st.execute("INSERT INTO export_watermark (lake, table_name, last_id, updated_at) VALUES ('/b', 'messages', 0, 'x')");
      }
      RetentionPolicies.set(db, RetentionPolicies.DEFAULT, Duration.ofDays(30).toSeconds(), NOW);
      assertEquals(25, drain(deleter(db, new AtomicReference<>(NOW))));
      assertEquals(26, Sql.count(db.connection(), "SELECT min(id) FROM ticks"));
      assertEquals(0, RowRetention.exportLimit(db.connection(), Table.MESSAGES), "lake /a has no messages watermark");
    }
  }

  @Test
  void freedPagesGoBackToTheFileSystem() throws Exception {
    Path file = dir.resolve("meta.db");
    try (MetaDatabase db = MetaDatabase.open(file)) {
      String body = "{\"pad\":\"" + "x".repeat(2000) + "\"}";
      insert(db, 5000, 40, body);
      insert(db, 10, 1, body);
      db.checkpointWal();
      long before = java.nio.file.Files.size(file);
      RetentionPolicies.set(db, "ticks", Duration.ofDays(30).toSeconds(), NOW);
      assertEquals(5000, drain(deleter(db, new AtomicReference<>(NOW))));
      db.checkpointWal();
      long after = java.nio.file.Files.size(file);
      assertEquals(0, Sql.count(db.connection(), "PRAGMA freelist_count"));
      assertTrue(after < before / 5, "meta.db " + before + " -> " + after + " bytes");
    }
  }

  @Test
  void theIngesterDeletesExpiredRowsInItsIdleMoments() throws Exception {
    dev.metadb.writer.Home home = new dev.metadb.writer.Home(dir.resolve("home"));
    try (MetaDatabase db = MetaDatabase.open(home.metaDb())) {
      RetentionPolicies.set(db, "ticks", Duration.ofDays(30).toSeconds(), Instant.now());
    }
    try (SlotAppender slot = SlotAppender.open(home, 0)) {
      for (int i = 0; i < 50; i++) {
        Instant ts = Instant.now().minus(Duration.ofDays(i < 30 ? 40 : 1));
        slot.append(new Envelope(EventIds.next(), ts, "h", 1L, new Tick("s", null)));
      }
    }
    try (Ingester ingester = Ingester.open(home, IngestOptions.DEFAULTS, line -> {})) {
      assertEquals(50, ingester.drain().inserted());
    }
    assertEquals(20, Sql.count(home.metaDb(), "SELECT count(*) FROM ticks"));
    assertEquals(0, Sql.count(home.metaDb(), "SELECT count(*) FROM ticks WHERE ts_utc < '"
        + Timestamps.format(Instant.now().minus(Duration.ofDays(30))) + "'"));
  }
}
