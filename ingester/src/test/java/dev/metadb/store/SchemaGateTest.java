package dev.metadb.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.ingester.Sql;
import dev.metadb.writer.Child;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaGateTest {
  @TempDir Path dir;

  @Test
  void newFileGetsTheCurrentSchemaAndReopeningRunsNoDdl() throws Exception {
    Path file = dir.resolve("home/meta.db");
    try (MetaDatabase db = MetaDatabase.open(file)) {
      assertEquals(new SchemaGate.Outcome(0, SchemaGate.Action.CREATED), db.gateOutcome());
      assertEquals(Schema.VERSION, db.schemaVersion());
    }
    try (Connection c = Sql.connect(file)) {
      assertEquals(Schema.VERSION, Sql.count(c, "PRAGMA user_version"));
      assertEquals("wal", Sql.text(c, "PRAGMA journal_mode"));
      long cookie = Sql.count(c, "PRAGMA schema_version");
      // Another process holds the write lock: a gate that wrote anything would wait 10 s and fail.
      Sql.exec(c, "BEGIN IMMEDIATE");
      long started = System.nanoTime();
      try (MetaDatabase again = MetaDatabase.open(file)) {
        assertEquals(new SchemaGate.Outcome(Schema.VERSION, SchemaGate.Action.NONE), again.gateOutcome());
      }
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(MetaDatabase.BUSY_TIMEOUT_MILLIS / 1000),
          "reopening at the current version waited for the write lock");
      Sql.exec(c, "ROLLBACK");
      assertEquals(cookie, Sql.count(c, "PRAGMA schema_version"), "reopen changed the schema");
    }
  }

  @Test
  void migratesV1WithItsRowsIntactToExactlyTheCurrentDdl() throws Exception {
    Path file = dir.resolve("meta.db");
    V1Files.create(file);
    try (MetaDatabase db = MetaDatabase.open(file)) {
      assertEquals(new SchemaGate.Outcome(1, SchemaGate.Action.MIGRATED), db.gateOutcome());
    }
    Path fresh = dir.resolve("fresh.db");
    try (MetaDatabase db = MetaDatabase.open(fresh)) {
      assertEquals(SchemaGate.Action.CREATED, db.gateOutcome().action());
    }
    try (Connection migrated = Sql.connect(file); Connection created = Sql.connect(fresh)) {
      assertEquals(Sql.ddl(created), Sql.ddl(migrated));
      assertEquals(Schema.VERSION, Sql.count(migrated, "PRAGMA user_version"));
      V1Files.assertRowsIntact(migrated);
      assertEquals("ok", Sql.text(migrated, "PRAGMA integrity_check"));
      assertTrue(Sql.text(migrated, "SELECT value FROM meta WHERE key = 'migrated_by'").endsWith("from v1"));
    }
  }

  @Test
  void migratesV2ToExactlyTheCurrentDdl() throws Exception {
    Path fresh = dir.resolve("fresh.db");
    try (MetaDatabase db = MetaDatabase.open(fresh)) {
      assertEquals(SchemaGate.Action.CREATED, db.gateOutcome().action());
    }
    // A v2 file is the current schema without v3's two control tables.
    Path file = dir.resolve("meta.db");
    Files.copy(fresh, file);
    try (Connection c = Sql.connect(file)) {
      Sql.exec(c, "DROP TABLE retention_policy", "DROP TABLE export_watermark", "PRAGMA user_version = 2");
    }
    try (MetaDatabase db = MetaDatabase.open(file)) {
      assertEquals(new SchemaGate.Outcome(2, SchemaGate.Action.MIGRATED), db.gateOutcome());
    }
    try (Connection migrated = Sql.connect(file); Connection created = Sql.connect(fresh)) {
      assertEquals(Sql.ddl(created), Sql.ddl(migrated));
      assertEquals(Schema.VERSION, Sql.count(migrated, "PRAGMA user_version"));
    }
  }

  @Test
  void refusesANewerSchemaWithoutWriting() throws Exception {
    Path file = dir.resolve("meta.db");
    try (MetaDatabase db = MetaDatabase.open(file)) {
      assertEquals(SchemaGate.Action.CREATED, db.gateOutcome().action());
    }
    try (Connection c = Sql.connect(file)) {
      Sql.exec(c, "PRAGMA user_version = 7");
    }
    long cookie = Sql.count(file, "PRAGMA schema_version");
    SchemaNewerException e = assertThrows(SchemaNewerException.class, () -> MetaDatabase.open(file));
    assertEquals("meta.db schema v7 is newer than this metadb (v" + Schema.VERSION + ")", e.getMessage());
    assertEquals(7, e.found());
    assertThrows(SchemaNewerException.class, () -> MetaDatabase.openReadOnly(file));
    assertEquals(cookie, Sql.count(file, "PRAGMA schema_version"));
    assertEquals(7, Sql.count(file, "PRAGMA user_version"));
  }

  @Test
  void aFileThatIsNotADatabaseIsRefusedAndLeftAlone() throws Exception {
    Path file = dir.resolve("meta.db");
    byte[] garbage = "this is a text file someone saved as meta.db, not SQLite at all\n".repeat(40)
        .getBytes(StandardCharsets.UTF_8);
    Files.write(file, garbage);
    NotADatabaseException e = assertThrows(NotADatabaseException.class, () -> MetaDatabase.open(file));
    assertTrue(e.getMessage().contains("is not a SQLite database"), e.getMessage());
    assertThrows(NotADatabaseException.class, () -> MetaDatabase.openReadOnly(file));
    assertArrayEquals(garbage, Files.readAllBytes(file));
    assertFalse(Files.exists(dir.resolve("meta.db-wal")), "a WAL was created next to it");
  }

  @Test
  void twoProcessesRacingToMigrateMigrateOnce() throws Exception {
    Path file = dir.resolve("meta.db");
    V1Files.create(file);
    List<Child> children = new ArrayList<>();
    List<String> outcomes = new ArrayList<>();
    try (Connection holder = Sql.connect(file)) {
      // Hold the write lock so both children read v1 and then queue on BEGIN IMMEDIATE.
      Sql.exec(holder, "BEGIN IMMEDIATE");
      for (int i = 0; i < 2; i++) {
        children.add(Child.start(GateChild.class, file.toString()));
      }
      for (Child child : children) {
        assertTrue(child.awaitErr(l -> l.contains("is older than this metadb"), Duration.ofSeconds(60)),
            "child did not read schema v1: " + child.err());
      }
      Sql.exec(holder, "ROLLBACK");
    }
    for (Child child : children) {
      assertEquals(0, child.await(Duration.ofSeconds(60)), child.err().toString());
      outcomes.addAll(child.out());
    }
    outcomes.sort(null);
    assertEquals(List.of("outcome MIGRATED 1", "outcome NONE " + Schema.VERSION), outcomes);
    try (Connection c = Sql.connect(file)) {
      V1Files.assertRowsIntact(c);
      assertEquals(Schema.VERSION, Sql.count(c, "PRAGMA user_version"));
    }
  }
}
