package dev.metadb.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.SampleEvents;
import dev.metadb.event.SpoolStamp;
import dev.metadb.event.Table;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Spool lines, spool files and SQLite counts for replay tests, independent of the code under test. */
final class TestSpool {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final SpoolStamp STAMP =
      new SpoolStamp(SpoolStamp.WRITER, "queue unusable (test)", Instant.parse("2026-11-24T10:00:00Z"));

  private TestSpool() {}

  /** One spool line as the writer's spool writes it, with its newline. */
  static byte[] line(Envelope envelope) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      EnvelopeCodec.encode(envelope, STAMP, out);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Writes {@code count} valid mixed lines from {@code first}; returns their envelopes. */
  static List<Envelope> writeValid(Path file, long first, int count) throws IOException {
    List<Envelope> envelopes = new ArrayList<>(count);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (long n = first; n < first + count; n++) {
      Envelope envelope = SampleEvents.mixed(n);
      envelopes.add(envelope);
      out.writeBytes(line(envelope));
    }
    append(file, out.toByteArray());
    return envelopes;
  }

  static void append(Path file, byte[]... parts) throws IOException {
    Files.createDirectories(file.getParent());
    for (byte[] part : parts) {
      Files.write(file, part, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  /** Makes a file look untouched for an hour, so replay treats it as finished. */
  static void age(Path file) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
  }

  static long count(Path db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void execute(Path db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static String scalar(Path db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** Rows over all 16 event tables. */
  static long rows(Path db) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT 0");
    for (Table table : Table.values()) {
      sql.append(" + (SELECT count(*) FROM ").append(table.sqlName()).append(')');
    }
    return count(db, sql.toString());
  }

  /** Distinct event_ids over all 16 event tables. */
  static long distinctIds(Path db) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT count(DISTINCT event_id) FROM (");
    String sep = "";
    for (Table table : Table.values()) {
      sql.append(sep).append("SELECT event_id FROM ").append(table.sqlName());
      sep = " UNION ALL ";
    }
    return count(db, sql.append(')').toString());
  }

  /** Whether {@code eventId} is stored in {@code table}. */
  static boolean stored(Path db, Table table, String eventId) throws SQLException {
    return count(db, "SELECT count(*) FROM " + table.sqlName() + " WHERE event_id = '" + eventId.replace("'", "''") + "'") == 1;
  }
}
