package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteLibraryTest {
  @Test
  void aDirectoryHoldingThePlatformsLibraryIsUsedAndOneWithoutItIsNot(@TempDir Path dir) throws Exception {
    assertEquals(Optional.empty(), SqliteLibrary.holdingLibrary(dir));
    Files.createDirectory(dir.resolve(System.mapLibraryName("sqlitejdbc")));
    assertEquals(Optional.empty(), SqliteLibrary.holdingLibrary(dir), "a directory of that name is not the library");
    Path lib = dir.resolve("lib");
    Files.createDirectory(lib);
    Files.write(lib.resolve(System.mapLibraryName("sqlitejdbc")), new byte[] {1});
    assertEquals(Optional.of(lib), SqliteLibrary.holdingLibrary(lib));
  }

  @Test
  void aPathTheUserSetIsKept() {
    String before = System.getProperty(SqliteLibrary.PATH_PROPERTY);
    try {
      System.setProperty(SqliteLibrary.PATH_PROPERTY, "/the/users/choice");
      SqliteLibrary.useUnpacked();
      assertEquals("/the/users/choice", System.getProperty(SqliteLibrary.PATH_PROPERTY));
    } finally {
      if (before == null) {
        System.clearProperty(SqliteLibrary.PATH_PROPERTY);
      } else {
        System.setProperty(SqliteLibrary.PATH_PROPERTY, before);
      }
    }
  }

  @Test
  void onAMavenClasspathNothingIsSetAndSqliteStillOpens() throws Exception {
    String before = System.getProperty(SqliteLibrary.PATH_PROPERTY);
    SqliteLibrary.useUnpacked();
    // The test classpath's sqlite-jdbc jar sits in the local repository, with no library beside it.
    assertEquals(before, System.getProperty(SqliteLibrary.PATH_PROPERTY));
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite::memory:"); var st = c.createStatement();
        var rs = st.executeQuery("SELECT 40 + 2")) {
      assertTrue(rs.next());
      assertEquals(42, rs.getInt(1));
    }
  }
}
