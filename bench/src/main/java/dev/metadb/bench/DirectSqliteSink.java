package dev.metadb.bench;

import dev.metadb.event.Envelope;
import dev.metadb.event.Event;
import dev.metadb.event.EventIds;
import dev.metadb.event.Timestamps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The baseline topology's writer: the seed's {@code Db::record_*}. One connection opened the seed's
 * way ({@link SeedDatabase}) and one autocommit {@code INSERT} per event, so each event is its own
 * transaction and waits for the write lock up to the 10 s busy timeout. Envelope fields (time-ordered
 * id, timestamp, host, pid) are made as {@code MetaDb} makes them.
 */
final class DirectSqliteSink implements EventSink {
  private final Connection connection;
  private final RowInserter inserter;
  private final String host;
  private final long pid = ProcessHandle.current().pid();

  private DirectSqliteSink(Connection connection, String host) {
    this.connection = connection;
    this.inserter = new RowInserter(connection, false);
    this.host = host;
  }

  /** Opens (creating the home directory and the schema when missing, as the seed's {@code Db::open} did). */
  static DirectSqliteSink open(Path home) throws SQLException, IOException {
    Files.createDirectories(home);
    return new DirectSqliteSink(SeedDatabase.openForWriting(home.resolve("meta.db")), hostName());
  }

  @Override
  public WriteOutcome write(Event event) {
    var now = Timestamps.now();
    try {
      inserter.insert(new Envelope(EventIds.next(), now, host, pid, event), now, false);
      return WriteOutcome.STORED;
    } catch (SQLException e) {
      return isLock(e) ? WriteOutcome.lockError(e.getMessage()) : WriteOutcome.failed(e.getMessage());
    }
  }

  /** SQLITE_BUSY or SQLITE_LOCKED, in any of their extended forms. */
  static boolean isLock(SQLException e) {
    int code = e instanceof SQLiteException se ? se.getResultCode().code : e.getErrorCode();
    int primary = code & 0xFF;
    return primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code;
  }

  /** The host name without a DNS lookup (the kernel's name, as {@code hostname} prints it). */
  static String hostName() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException e) {
      return "localhost";
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      inserter.close();
    } finally {
      connection.close();
    }
  }
}
