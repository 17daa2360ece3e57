package dev.metadb.ingester;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Plain SQLite access for assertions, independent of the code under test. */
public final class Sql {
  private Sql() {}

  public static Connection connect(Path file) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
  }

  public static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  public static long count(Path file, String sql) throws SQLException {
    try (Connection c = connect(file)) {
      return count(c, sql);
    }
  }

  public static String text(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  public static List<List<Object>> rows(Connection c, String sql) throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /** Every schema object's DDL text, as "type name: sql", sorted. */
  public static TreeSet<String> ddl(Connection c) throws SQLException {
    TreeSet<String> out = new TreeSet<>();
    for (List<Object> row : rows(c, "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")) {
      out.add(row.get(0) + " " + row.get(1) + ": " + row.get(2));
    }
    return out;
  }

  public static void exec(Connection c, String... statements) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }
}
