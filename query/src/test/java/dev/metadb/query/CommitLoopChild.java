package dev.metadb.query;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Random;

/**
 * A stand-in ingester in its own JVM: commits batches of 5 messages to meta.db in a loop, each in
 * a BEGIN IMMEDIATE transaction, pausing 2 ms between commits as an ingester between batches
 * does, until {@code STOP_FILE} exists. Its busy timeout is 0, so any
 * moment a reader held a lock the writer needed shows up as a failed commit instead of a wait.
 * Prints {@code commits=N busy=B max_commit_ms=M} when it stops.
 *
 * <p>Usage: {@code CommitLoopChild META_DB STOP_FILE}
 */
public final class CommitLoopChild {
  private CommitLoopChild() {}

  public static void main(String[] args) throws Exception {
    Path metaDb = Path.of(args[0]);
    Path stop = Path.of(args[1]);
    Random random = new Random(3);
    long commits = 0;
    long busy = 0;
    long maxNanos = 0;
    long seq = 0;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + metaDb)) {
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA busy_timeout=0");
        st.execute("PRAGMA synchronous=NORMAL");
      }
      c.setAutoCommit(true);
      String insert = "INSERT INTO messages (event_id, ts_utc, host, pid, ingested_at, source, direction, body)"
          + " VALUES (?, ?, 'child', 1, ?, ?, 'inbound', ?)";
      while (!Files.exists(stop)) {
        long start = System.nanoTime();
        try (Statement st = c.createStatement()) {
          st.execute("BEGIN IMMEDIATE");
          try (PreparedStatement ps = c.prepareStatement(insert)) {
            for (int i = 0; i < 5; i++) {
              seq++;
              String now = dev.metadb.event.Timestamps.format(Instant.now());
              ps.setString(1, "child-" + ProcessHandle.current().pid() + "-" + seq);
              ps.setString(2, now);
              ps.setString(3, now);
              ps.setString(4, "src" + random.nextInt(5));
              ps.setString(5, "body " + seq);
              ps.executeUpdate();
            }
          }
          st.execute("COMMIT");
          commits++;
          maxNanos = Math.max(maxNanos, System.nanoTime() - start);
          Thread.sleep(2);
        } catch (SQLException e) {
          busy++;
          System.err.println("writer: " + e.getMessage());
          try (Statement st = c.createStatement()) {
            st.execute("ROLLBACK");
          } catch (SQLException ignoredNoTransaction) {
            // BEGIN itself failed: there is no transaction to roll back.
          }
        }
      }
    }
    System.out.println("commits=" + commits + " busy=" + busy + " max_commit_ms=" + maxNanos / 1_000_000);
  }
}
