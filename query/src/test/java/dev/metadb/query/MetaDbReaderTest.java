package dev.metadb.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.store.Schema;
import dev.metadb.writer.Home;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** meta.db is opened read-only and only at this build's schema version. */
class MetaDbReaderTest {
  @TempDir Path dir;

  @Test
  void aMissingMetaDbIsNamedAndNotCreated() {
    Path file = dir.resolve("meta.db");
    QueryException e = assertThrows(QueryException.class, () -> MetaDbReader.open(file));
    assertEquals(QueryException.Kind.FAILURE, e.kind());
    assertTrue(e.getMessage().startsWith("no meta.db at " + file), e.getMessage());
    assertFalse(Files.exists(file));
  }

  @Test
  void aNewerSchemaIsRefusedAndAnOlderOneNamed() throws Exception {
    Home home = TestDb.create(dir.resolve("home"));
    setVersion(home, Schema.VERSION + 1);
    QueryException newer = assertThrows(QueryException.class, () -> MetaDbReader.open(home.metaDb()));
    assertEquals(QueryException.Kind.SCHEMA_NEWER, newer.kind());
    assertTrue(newer.getMessage().contains("newer than this metadb"), newer.getMessage());
    setVersion(home, Schema.VERSION - 1);
    QueryException older = assertThrows(QueryException.class, () -> MetaDbReader.open(home.metaDb()));
    assertEquals(QueryException.Kind.FAILURE, older.kind());
    assertTrue(older.getMessage().contains("run metadb ingest"), older.getMessage());
  }

  @Test
  void theConnectionCannotWrite() throws Exception {
    Home home = TestDb.create(dir.resolve("home"));
    try (MetaDbReader reader = MetaDbReader.open(home.metaDb()); Statement st = reader.connection().createStatement()) {
      SQLException e = assertThrows(SQLException.class, () -> st.execute("DELETE FROM messages"));
      assertTrue(e.getMessage().contains("SQLITE_READONLY"), e.getMessage());
      assertThrows(SQLException.class, () -> st.execute("PRAGMA user_version=9"));
    }
  }

  private static void setVersion(Home home, int version) throws Exception {
    try (Connection c = TestDb.open(home); Statement st = c.createStatement()) {
      st.execute("PRAGMA user_version=" + version);
    }
  }
}
