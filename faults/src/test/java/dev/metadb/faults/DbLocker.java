package dev.metadb.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * An outside process that holds meta.db's write lock: {@code DbLocker META_DB HOLD_MS}. Opens
 * the database with SQLite's defaults (no metadb code), runs {@code BEGIN IMMEDIATE}, prints
 * {@code LOCKED} on stderr, holds the lock for HOLD_MS and then rolls back (or dies holding it,
 * when the test kills it: the kernel then drops its locks).
 */
public final class DbLocker {
  private DbLocker() {}

  public static void main(String[] args) throws Exception {
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(60_000);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0], config.toProperties());
        Statement s = c.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      System.err.println("LOCKED");
      System.err.flush();
      Thread.sleep(Long.parseLong(args[1]));
      s.execute("ROLLBACK");
      System.err.println("RELEASED");
    }
  }
}
