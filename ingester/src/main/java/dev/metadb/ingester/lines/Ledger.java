package dev.metadb.ingester.lines;

import dev.metadb.event.Timestamps;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The {@code replay_ledger} table: how far each spool, inbox or trail file has been applied, by
 * replay and by the ingester alike.
 *
 * <p>ROW
 *
 * <pre>
 *   file               TEXT PK  absolute path of the file when its row was last written (a file of
 *                               another identity found at that path later moves this row aside to
 *                               "path#hash12", so the row survives for when the old file turns up)
 *   identity           TEXT     {@link FileIdentity#text()}
 *   byte_offset        INTEGER  just after the last line consumed: applied, already present,
 *                               quarantined or blank. Always 0, just after a '\n', or the end
 *                               of a finished file whose last line had none.
 *   lines_applied      INTEGER  lines whose event is in the database (inserted or already there)
 *   lines_quarantined  INTEGER  lines sent to quarantine
 *   updated_at         TEXT
 * </pre>
 *
 * <p>RULES
 *
 * <ol>
 *   <li>A row is written only inside the transaction that inserts the rows of the lines it moves
 *       past ({@link #save}). Killed anywhere, a replay either committed a batch's rows and its
 *       offset together or neither: rerun, it starts at the offset and applies every line once.
 *   <li>A file finds its row by content ({@link #find}): same identity hash; among several such
 *       rows, the same inode and path win, then the smallest offset (when unsure, re-reading is
 *       safe because inserts are idempotent and quarantine skips what it holds; skipping is not).
 *   <li>The caller checks a found offset against the file (not past its end, just after a
 *       '\n') and starts from 0 if it does not fit.
 * </ol>
 */
public final class Ledger {
  /**
   * One row.
   *
   * @param file absolute path the row is stored under
   * @param offset byte offset after the last line consumed
   */
  public record Entry(String file, FileIdentity identity, long offset, long linesApplied, long linesQuarantined) {
    /** This row under another key (the file moved). */
    public Entry withFile(String path) {
      return new Entry(path, identity, offset, linesApplied, linesQuarantined);
    }

    public Entry advancedTo(String path, long newOffset, long applied, long quarantined) {
      return new Entry(path, identity, newOffset, linesApplied + applied, linesQuarantined + quarantined);
    }
  }

  private Ledger() {}

  /** Every row. The ledger holds one row per file ever replayed: a few hundred at most. */
  public static List<Entry> readAll(Connection connection) throws SQLException {
    List<Entry> entries = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(
            "SELECT file, identity, byte_offset, lines_applied, lines_quarantined FROM replay_ledger")) {
      while (rs.next()) {
        entries.add(new Entry(
            rs.getString(1), FileIdentity.parse(rs.getString(2)), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
      }
    }
    return entries;
  }

  /** The row of the file at {@code path} with {@code identity}, by the rule in the class comment. */
  public static Optional<Entry> find(List<Entry> entries, Path path, FileIdentity identity) {
    String file = path.toString();
    return entries.stream()
        .filter(e -> e.identity().contentHash().equals(identity.contentHash()))
        .min(Comparator.comparingInt((Entry e) -> rank(e, file, identity)).thenComparingLong(Entry::offset));
  }

  /**
   * The row of exactly this file: same content hash and same inode (same path where the file
   * system has no inodes). The inbox and trails use this stricter rule: their files may share a
   * first line (a shell loop writing the same line every day), and a row of another file with the
   * same head would otherwise let a new file skip its first lines. A file restored from a copy is
   * then read again from its start, which costs duplicates nothing: its lines keep their event ids
   * ({@link FileLineIds}).
   */
  public static Optional<Entry> findSameFile(List<Entry> entries, Path path, FileIdentity identity) {
    String file = path.toString();
    boolean inodes = !"-".equals(identity.inode());
    return entries.stream()
        .filter(e -> e.identity().contentHash().equals(identity.contentHash()))
        .filter(e -> inodes ? e.identity().inode().equals(identity.inode()) : e.file().equals(file))
        .min(Comparator.comparingInt((Entry e) -> e.file().equals(file) ? 0 : 1).thenComparingLong(Entry::offset));
  }

  private static int rank(Entry entry, String file, FileIdentity identity) {
    boolean sameInode = !"-".equals(identity.inode()) && entry.identity().inode().equals(identity.inode());
    boolean samePath = entry.file().equals(file);
    return sameInode ? (samePath ? 0 : 1) : (samePath ? 2 : 3);
  }

  /**
   * Writes {@code next}, inside the caller's transaction. {@code previous} is the row as last read
   * or written for this file (null if it had none); if it was stored under another path it moves
   * to {@code next.file()}. A row of a different file already at {@code next.file()} is moved
   * aside to {@code path#hash12}.
   */
  public static void save(Connection connection, Entry previous, Entry next, Instant now) throws SQLException {
    try (PreparedStatement aside = connection.prepareStatement(
        "UPDATE OR REPLACE replay_ledger SET file = file || '#' || substr(identity, 8, 12)"
            + " WHERE file = ? AND substr(identity, 1, ?) <> ?")) {
      aside.setString(1, next.file());
      aside.setInt(2, next.identity().contentHash().length());
      aside.setString(3, next.identity().contentHash());
      aside.executeUpdate();
    }
    if (previous != null && !previous.file().equals(next.file())) {
      try (PreparedStatement delete = connection.prepareStatement("DELETE FROM replay_ledger WHERE file = ?")) {
        delete.setString(1, previous.file());
        delete.executeUpdate();
      }
    }
    try (PreparedStatement upsert = connection.prepareStatement(
        "INSERT INTO replay_ledger (file, identity, byte_offset, lines_applied, lines_quarantined, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (file) DO UPDATE SET identity = excluded.identity,"
            + " byte_offset = excluded.byte_offset, lines_applied = excluded.lines_applied,"
            + " lines_quarantined = excluded.lines_quarantined, updated_at = excluded.updated_at")) {
      upsert.setString(1, next.file());
      upsert.setString(2, next.identity().text());
      upsert.setLong(3, next.offset());
      upsert.setLong(4, next.linesApplied());
      upsert.setLong(5, next.linesQuarantined());
      upsert.setString(6, Timestamps.format(now));
      upsert.executeUpdate();
    }
  }
}
