package dev.metadb.ingester;

import dev.metadb.event.Timestamps;
import dev.metadb.ingester.IngestStatus.FileStatus;
import dev.metadb.ingester.lines.FileIdentity;
import dev.metadb.ingester.lines.LineReader;
import dev.metadb.store.MetaDatabase;
import dev.metadb.store.MetaDatabaseException;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link FileStatus} of every inbox file and tailed trail, and of every spool file in the
 * home's logs directory, for {@code metadb status}: the ledger rows (read-only) against the files
 * as they are now. A row counts for a file when its inode is the file's (a file replaced under the
 * same name has no row yet). A spool file's pending lines are the ones replay has still to apply;
 * the ones it applied stay in the file until it moves to logs/replayed/ (never while it may still
 * be appended to: today's).
 */
final class FileStatuses {
  private static final Pattern TS = Pattern.compile("\"ts_utc\"\\s*:\\s*\"([^\"]{1,40})\"");

  private record Row(String file, String inode, long offset, long applied, long quarantined, String updatedAt) {}

  private FileStatuses() {}

  static List<FileStatus> read(Home home) throws IOException, SQLException, MetaDatabaseException {
    Map<String, Row> rows = ledgerRows(home);
    List<FileStatus> files = new ArrayList<>();
    Path inbox = home.inboxDir();
    for (Path file : home.inboxFiles()) {
      add(files, file, "inbox", rows.remove(file.toString()));
    }
    for (Row row : rows.values()) {
      Path file = Path.of(row.file());
      if (!file.startsWith(home.logsDir()) && !file.startsWith(inbox) && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        add(files, file, "trail", row);
      }
    }
    files.sort((a, b) -> a.file().compareTo(b.file()));
    return files;
  }

  /** The spool files directly in the home's logs directory, by name (kind {@code spool}). */
  static List<FileStatus> spool(Home home) throws IOException, SQLException, MetaDatabaseException {
    Map<String, Row> rows = ledgerRows(home);
    List<FileStatus> files = new ArrayList<>();
    for (Path file : home.spoolFiles()) {
      Path absolute = file.toAbsolutePath().normalize();
      add(files, absolute, "spool", rows.get(absolute.toString()));
    }
    return files;
  }

  /** The ledger's rows by file (none before meta.db or its ledger exist). */
  private static Map<String, Row> ledgerRows(Home home) throws IOException, SQLException, MetaDatabaseException {
    Map<String, Row> rows = new HashMap<>();
    if (Files.isRegularFile(home.metaDb())) {
      try (MetaDatabase db = MetaDatabase.openReadOnly(home.metaDb());
          Statement statement = db.connection().createStatement();
          ResultSet rs = statement.executeQuery(
              "SELECT file, identity, byte_offset, lines_applied, lines_quarantined, updated_at FROM replay_ledger"
                  + " WHERE instr(file, '#') = 0")) {
        while (rs.next()) {
          Row row = new Row(rs.getString(1), FileIdentity.parse(rs.getString(2)).inode(), rs.getLong(3), rs.getLong(4),
              rs.getLong(5), rs.getString(6));
          rows.put(row.file(), row);
        }
      } catch (SQLException e) {
        if (!String.valueOf(e.getMessage()).contains("no such table")) {
          throw e;
        }
      }
    }
    return rows;
  }

  private static void add(List<FileStatus> files, Path file, String kind, Row row) throws IOException {
    if (row != null && !row.inode().equals(FileKind.fileKey(file))) {
      row = null;
    }
    long offset = row == null ? 0 : row.offset();
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
      long size = channel.size();
      long pendingBytes = Math.max(0, size - offset);
      long pendingLines = 0;
      Instant oldest = null;
      if (pendingBytes > 0) {
        LineReader reader = new LineReader(channel, Math.min(offset, size), 1, 1 << 20);
        while (reader.next()) {
          if (reader.contentLength() == 0 && !reader.oversized()) {
            continue;
          }
          pendingLines++;
          if (pendingLines == 1) {
            oldest = tsOf(reader);
          }
        }
        if (oldest == null && pendingLines > 0 && row != null && row.updatedAt() != null) {
          oldest = Timestamps.parse(row.updatedAt());
        }
      }
      files.add(new FileStatus(file, kind, size, pendingBytes, pendingLines,
          row == null ? 0 : row.applied(), row == null ? 0 : row.quarantined(), oldest));
    } catch (NoSuchFileException e) {
      // gone between the listing and the open: nothing to report
    }
  }

  private static Instant tsOf(LineReader line) {
    Matcher m = TS.matcher(new String(line.buffer(), line.contentOffset(), line.contentLength(), StandardCharsets.UTF_8));
    if (!m.find()) {
      return null;
    }
    try {
      return Timestamps.parse(m.group(1));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
