package dev.metadb.ingester;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What the {@code export_watermark} table means for deleting rows: the one rule retention and
 * every other deleter of event rows must follow while a lake is exported from this meta.db.
 *
 * <p>RULE. A row of table T may be deleted only when its {@code id} is at most
 * {@link #deletableUpTo}: the lowest {@code last_id} of T over every lake that has a watermark row
 * (a lake registers all tables, at 0, on its first export), and below T's highest {@code id}.
 *
 * <ul>
 *   <li>Rows above a lake's watermark are not in that lake yet: deleting them would lose them
 *       from the lake for good, and a re-export after a crash re-reads exactly that range.
 *   <li>The highest id must stay because SQLite gives a new row {@code max(id) + 1}: were the
 *       newest row deleted, the next insert would reuse its id, at or below the watermark, and
 *       would never be exported.
 * </ul>
 *
 * With no watermark row for T (nothing ever exported), the rule allows everything.
 */
public final class ExportWatermarks {
  private ExportWatermarks() {}

  /**
   * The highest id of {@code table} a deleter may remove: {@link Long#MAX_VALUE} when no lake
   * exports the table, else as in the class comment (0 or less: nothing may go).
   *
   * @param table an event table's SQL name (not user input: it is spliced into the SQL)
   */
  public static long deletableUpTo(Connection connection, String table) throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(
        "SELECT min(last_id), (SELECT max(id) FROM " + table + ") FROM export_watermark WHERE table_name = ?")) {
      st.setString(1, table);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        long lowest = rs.getLong(1);
        if (rs.wasNull()) {
          return Long.MAX_VALUE;
        }
        long newest = rs.getLong(2);
        return rs.wasNull() ? 0 : Math.min(lowest, newest - 1);
      }
    }
  }
}
