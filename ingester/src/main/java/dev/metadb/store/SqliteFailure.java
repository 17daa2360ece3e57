package dev.metadb.store;

import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;

/**
 * What an {@link SQLException} from SQLite means for the caller: the one place that reads SQLite's
 * result codes, so the ingester, replay, retention, the lake export and {@code verify} agree on
 * which failures pass by themselves.
 *
 * <p>Only the primary code (the low byte) is read: extended codes such as SQLITE_BUSY_SNAPSHOT
 * or SQLITE_IOERR_FSYNC mean the same to a caller as their primary code.
 */
public enum SqliteFailure {
  /** Passes by itself, so retry: the lock held past the busy timeout, a full disk, I/O, memory. */
  TRANSIENT,
  /** This one row was refused (a constraint, too big, a type mismatch); the database is fine. */
  ROW_REFUSED,
  /** The file is not an SQLite database: a damaged header or another kind of file. */
  NOT_A_DATABASE,
  /** SQLite found the database damaged. */
  CORRUPT,
  /** Anything else: a bug or a misuse, not retried. */
  OTHER;

  public static SqliteFailure of(SQLException e) {
    int primary = e.getErrorCode() & 0xff;
    if (primary == SQLiteErrorCode.SQLITE_BUSY.code
        || primary == SQLiteErrorCode.SQLITE_LOCKED.code
        || primary == SQLiteErrorCode.SQLITE_FULL.code
        || primary == SQLiteErrorCode.SQLITE_IOERR.code
        || primary == SQLiteErrorCode.SQLITE_NOMEM.code
        || primary == SQLiteErrorCode.SQLITE_CANTOPEN.code
        || primary == SQLiteErrorCode.SQLITE_PROTOCOL.code) {
      return TRANSIENT;
    }
    if (primary == SQLiteErrorCode.SQLITE_CONSTRAINT.code
        || primary == SQLiteErrorCode.SQLITE_TOOBIG.code
        || primary == SQLiteErrorCode.SQLITE_MISMATCH.code) {
      return ROW_REFUSED;
    }
    if (primary == SQLiteErrorCode.SQLITE_NOTADB.code) {
      return NOT_A_DATABASE;
    }
    if (primary == SQLiteErrorCode.SQLITE_CORRUPT.code) {
      return CORRUPT;
    }
    return OTHER;
  }

  public static boolean isTransient(SQLException e) {
    return of(e) == TRANSIENT;
  }

  /** The cause of a retry as the metrics name it: busy, full, io or other. */
  public static String retryCause(SQLException e) {
    int primary = e.getErrorCode() & 0xff;
    if (primary == SQLiteErrorCode.SQLITE_BUSY.code || primary == SQLiteErrorCode.SQLITE_LOCKED.code) {
      return "busy";
    }
    if (primary == SQLiteErrorCode.SQLITE_FULL.code) {
      return "full";
    }
    return primary == SQLiteErrorCode.SQLITE_IOERR.code ? "io" : "other";
  }
}
