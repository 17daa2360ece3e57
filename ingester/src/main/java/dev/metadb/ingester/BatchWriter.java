package dev.metadb.ingester;

import dev.metadb.event.SpoolStamp;
import dev.metadb.event.Timestamps;
import dev.metadb.store.EventInserter;
import dev.metadb.store.MetaDatabase;
import dev.metadb.store.SqliteFailure;
import dev.metadb.store.WriteTransaction;
import dev.metadb.writer.ErrorSpool;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Commits a {@link Batch}: its rows and the checkpoints of the sources they came from, in one
 * transaction.
 *
 * <pre>
 *   BEGIN IMMEDIATE
 *     INSERT OR IGNORE each row     (undecodable entries, rows a constraint refuses: to the spool)
 *     per source touched: its checkpoint
 *   COMMIT
 *   on busy / full / I/O error: roll back, wait (capped backoff), retry the same batch; nothing
 *   is read meanwhile, the queue and the files are the buffer
 * </pre>
 *
 * <p>AT LEAST ONCE, NOT EXACTLY ONCE: spool lines. An entry is spooled before its batch commits;
 * a crash in between spools it again on restart. Replay is idempotent, so the copy is harmless.
 *
 * <p>Counters ({@link #stats()}) move only after COMMIT succeeds; readable from any thread.
 */
final class BatchWriter implements AutoCloseable {
  /** How the writer waits between retries: false when a stop was requested meanwhile. */
  interface Waiter {
    boolean pause(long millis);

    boolean stopRequested();
  }

  private final Home home;
  private final MetaDatabase db;
  private final EventInserter inserter;
  private final CheckpointStore checkpoints;
  private final ErrorSpool spool;
  private final Waiter waiter;
  private final Consumer<String> log;
  private volatile IngestStats stats = IngestStats.ZERO;

  private IngestMetrics metrics = IngestMetrics.NONE;
  private final long[] insertedPerTable = new long[dev.metadb.event.Table.values().length];

  /** Where batch figures go ({@link IngestMetrics#NONE} unless set once, before the first batch). */
  void metrics(IngestMetrics metrics) {
    this.metrics = metrics;
  }

  BatchWriter(Home home, MetaDatabase db, CheckpointStore checkpoints, Waiter waiter, Consumer<String> log) {
    this.home = home;
    this.db = db;
    this.inserter = new EventInserter(db.connection());
    this.checkpoints = checkpoints;
    this.spool = new ErrorSpool(home);
    this.waiter = waiter;
    this.log = log;
  }

  IngestStats stats() {
    return stats;
  }

  /**
   * Commits the batch, retrying transient failures with capped backoff, and clears it. Returns
   * false when a stop was requested before it could commit (the entries stay in their sources for
   * the next run).
   */
  boolean commit(Batch batch) throws SQLException, IOException {
    Backoff backoff = null;
    RetryLog retryLog = new RetryLog(log, System::nanoTime);
    long retries = 0;
    while (true) {
      String failure;
      try {
        write(batch, retries);
        batch.clear();
        retryLog.committed();
        return true;
      } catch (SQLException e) {
        if (!SqliteFailure.isTransient(e)) {
          throw e;
        }
        failure = "meta.db: " + e.getMessage();
        metrics.retried(SqliteFailure.retryCause(e));
      } catch (IOException e) {
        failure = "spool " + home.spoolFileToday() + " or quarantine: " + e;
        metrics.retried("spool");
      }
      if (backoff == null) {
        backoff = new Backoff();
      }
      retries++;
      long wait = backoff.next();
      retryLog.failed(failure, batch.size(), wait);
      if (!waiter.pause(wait) || waiter.stopRequested()) {
        IngestStats s = stats;
        stats = new IngestStats(s.entries(), s.inserted(), s.duplicates(), s.spooled(), s.batches(), s.retries() + retries, s.filesDeleted());
        log.accept("stopping with " + batch.size() + " uncommitted entries; they will be read again on the next start");
        return false;
      }
    }
  }

  /** One attempt at the batch's transaction. Counters move only after COMMIT succeeds. */
  private void write(Batch batch, long retriesSoFar) throws SQLException, IOException {
    Instant now = Timestamps.now();
    long inserted = 0;
    long duplicates = 0;
    long spooled = 0;
    java.util.Arrays.fill(insertedPerTable, 0);
    long started = System.nanoTime();
    try (WriteTransaction tx = db.begin()) {
      for (PendingEntry entry : batch.entries) {
        if (entry.spooled) {
          continue;
        }
        if (entry.envelope == null) {
          spool.appendRaw(entry.raw, stamp(entry, entry.problem, now));
          entry.spooled = true;
          spooled++;
          continue;
        }
        try {
          if (inserter.insert(entry.envelope, now)) {
            inserted++;
            insertedPerTable[entry.envelope.table().ordinal()]++;
          } else {
            duplicates++;
          }
        } catch (SQLException e) {
          if (SqliteFailure.of(e) != SqliteFailure.ROW_REFUSED) {
            throw e;
          }
          spool.append(entry.envelope, stamp(entry, entry.envelope.table().sqlName() + ": " + e.getMessage(), now));
          entry.spooled = true;
          spooled++;
        }
      }
      for (Source source : batch.sources) {
        source.saveCheckpoint(checkpoints, now);
      }
      tx.commit();
    }
    metrics.batchCommitted(insertedPerTable, batch.size(), duplicates, spooled, System.nanoTime() - started);
    for (Source source : batch.sources) {
      source.committed();
    }
    long alreadySpooled = batch.entries.stream().filter(e -> e.spooled).count() - spooled;
    IngestStats s = stats;
    stats = new IngestStats(
        s.entries() + batch.size(),
        s.inserted() + inserted,
        s.duplicates() + duplicates,
        s.spooled() + spooled + alreadySpooled,
        s.batches() + 1,
        s.retries() + retriesSoFar,
        s.filesDeleted());
  }

  private static SpoolStamp stamp(PendingEntry entry, String problem, Instant now) {
    return new SpoolStamp(SpoolStamp.INGESTER, entry.origin() + ": " + problem, now);
  }

  @Override
  public void close() throws SQLException {
    inserter.close();
  }
}
