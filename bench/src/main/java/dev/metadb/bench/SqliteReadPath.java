package dev.metadb.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The baseline reader: the SQL straight on meta.db through one read-only JDBC connection. */
final class SqliteReadPath implements ReadPath {
  private final Connection connection;

  SqliteReadPath(Path db) throws SQLException {
    this.connection = SeedDatabase.openForReading(db);
  }

  @Override
  public long run(String sql) throws SQLException {
    long rows = 0;
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int c = 1; c <= columns; c++) {
          rs.getObject(c);
        }
        rows++;
      }
    }
    return rows;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
