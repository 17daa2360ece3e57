package dev.metadb.ingester;

import dev.metadb.event.SpoolStamp;
import dev.metadb.event.Table;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * <p>COMMIT IN THE BACKGROUND ({@link #commitAsync}). Everything up to COMMIT runs on the loop's
 * thread; the COMMIT statement itself (writing the batch's pages to the WAL, and every ~1000
 * pages SQLite's automatic checkpoint with its fsyncs: about 40 % of the ingester's time in the
 * 2026-12-03 profile) runs on this writer's one committer thread, while the loop reads and
 * decodes the next batch. At most one commit is in flight, and the loop uses the connection for
 * nothing else until {@link #settle} has waited for it, except a new file's ledger lookup
 * (sqlite-jdbc serialises statements on one connection; the lookup may see the in-flight rows,
 * which are either committed or, merged, committed again). Why this keeps exactly once:
 *
 * <ol>
 *   <li>each source's {@link Source#saveCheckpoint} runs before the hand-off and remembers what
 *       it wrote; {@link Source#committed} (called by {@link #settle}, on the loop's thread)
 *       moves the stored checkpoint to exactly that, not to what was taken since;
 *   <li>a failed background COMMIT is rolled back and its batch is merged in front of the batch
 *       being filled; the merged batch is committed (with retries, as above) with every source's
 *       current pending checkpoint, which describes exactly the merged rows.
 * </ol>
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

  /** One attempt's transaction, written up to COMMIT, and what it will count once committed. */
  private record Attempt(
      Batch batch, WriteTransaction tx, long inserted, long duplicates, long spooled, long alreadySpooled,
      long retries, long[] insertedPerTable, long startedNanos) {}

  /** The attempt whose COMMIT runs on the committer thread; {@code done} yields when it ended. */
  private record InFlight(Attempt attempt, Future<Long> done) {}

  private final Home home;
  private final EventInserter inserter;
  private final MetaDatabase db;
  private final CheckpointStore checkpoints;
  private final ErrorSpool spool;
  private final Waiter waiter;
  private final Consumer<String> log;
  private final ExecutorService committer = Executors.newSingleThreadExecutor(task -> {
    Thread thread = new Thread(task, "metadb-commit");
    thread.setDaemon(true);
    return thread;
  });
  private InFlight inFlight;
  private volatile IngestStats stats = IngestStats.ZERO;

  private IngestMetrics metrics = IngestMetrics.NONE;

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
   * the next run). Call {@link #settle} first.
   */
  boolean commit(Batch batch) throws SQLException, IOException {
    return commit(batch, null);
  }

  /**
   * Writes the batch up to COMMIT on this thread and runs COMMIT on the committer thread; the
   * batch is left empty for the next fill. A failure before COMMIT is retried here, as {@link
   * #commit}. Call {@link #settle} first: one commit at a time is in flight.
   *
   * @return false when a stop was requested before the batch could commit
   */
  boolean commitInBackground(Batch batch) throws SQLException, IOException {
    if (inFlight != null) {
      throw new IllegalStateException("a commit is already in flight");
    }
    Batch handed = batch.detach();
    Attempt attempt;
    try {
      attempt = writeUncommitted(handed, 0);
    } catch (SQLException | IOException e) {
      batch.absorb(handed);
      return commit(batch, e);
    }
    inFlight = new InFlight(attempt, committer.submit(() -> {
      attempt.tx().commit();
      return System.nanoTime();
    }));
    return true;
  }

  /**
   * Waits for the commit in flight, if any. Committed: its sources' checkpoints become the stored
   * ones and the counters move. Failed: rolled back, merged in front of {@code current} (the
   * batch being filled) and committed with it, retrying as {@link #commit}.
   *
   * @return false when a stop was requested before the merged batch could commit
   */
  boolean settle(Batch current) throws SQLException, IOException {
    InFlight pending = inFlight;
    if (pending == null) {
      return true;
    }
    inFlight = null;
    Throwable failure = await(pending);
    if (failure == null) {
      return true;
    }
    pending.attempt().tx().close();
    int taken = current.size();
    current.absorb(pending.attempt().batch());
    if (failure instanceof SQLException e) {
      log.accept("meta.db: the commit of " + pending.attempt().batch().size() + " entries failed (" + e.getMessage()
          + "); rolled back, retrying it together with the " + taken + " entries taken since");
      return commit(current, e);
    }
    throw new IllegalStateException("COMMIT failed on the committer thread", failure);
  }

  /**
   * Waits, even when interrupted (the connection is not the loop's again until the commit ended;
   * the flag is kept), for the in-flight COMMIT; applies it when it succeeded, else returns why not.
   */
  private Throwable await(InFlight pending) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          long endedNanos = pending.done().get();
          committed(pending.attempt(), endedNanos);
          return null;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          return e.getCause();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** {@link #commit(Batch)}, after a first attempt that already failed with {@code failed} (null: none yet). */
  private boolean commit(Batch batch, Exception failed) throws SQLException, IOException {
    Backoff backoff = null;
    RetryLog retryLog = new RetryLog(log, System::nanoTime);
    long retries = 0;
    Exception failure = failed;
    while (true) {
      if (failure == null) {
        try {
          Attempt attempt = writeUncommitted(batch, retries);
          try (WriteTransaction tx = attempt.tx()) {
            tx.commit();
          }
          committed(attempt, System.nanoTime());
          batch.clear();
          retryLog.committed();
          return true;
        } catch (SQLException | IOException e) {
          failure = e;
        }
      }
      String text = retryable(failure);
      failure = null;
      if (backoff == null) {
        backoff = new Backoff();
      }
      retries++;
      long wait = backoff.next();
      retryLog.failed(text, batch.size(), wait);
      if (!waiter.pause(wait) || waiter.stopRequested()) {
        IngestStats s = stats;
        stats = new IngestStats(s.entries(), s.inserted(), s.duplicates(), s.spooled(), s.batches(), s.retries() + retries, s.filesDeleted());
        log.accept("stopping with " + batch.size() + " uncommitted entries; they will be read again on the next start");
        return false;
      }
    }
  }

  /** The retry log's text for a transient failure (counted in the metrics); anything else is thrown. */
  private String retryable(Exception failure) throws SQLException {
    if (failure instanceof SQLException e) {
      if (!SqliteFailure.isTransient(e)) {
        throw e;
      }
      metrics.retried(SqliteFailure.retryCause(e));
      return "meta.db: " + e.getMessage();
    }
    metrics.retried("spool");
    return "spool " + home.spoolFileToday() + " or quarantine: " + failure;
  }

  /**
   * One attempt at the batch's transaction, up to COMMIT: BEGIN, the rows, the checkpoints. The
   * caller commits the returned transaction (or closes it, which rolls back); on failure it is
   * rolled back here.
   */
  private Attempt writeUncommitted(Batch batch, long retriesSoFar) throws SQLException, IOException {
    Instant now = Timestamps.now();
    long inserted = 0;
    long duplicates = 0;
    long spooled = 0;
    long[] insertedPerTable = new long[Table.values().length];
    long started = System.nanoTime();
    WriteTransaction tx = db.begin();
    try {
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
    } catch (SQLException | IOException | RuntimeException e) {
      try {
        tx.close();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      throw e;
    }
    long alreadySpooled = batch.entries.stream().filter(e -> e.spooled).count() - spooled;
    return new Attempt(batch, tx, inserted, duplicates, spooled, alreadySpooled, retriesSoFar, insertedPerTable, started);
  }

  /** The attempt's COMMIT succeeded (ending at {@code endedNanos}): checkpoints and counters move. */
  private void committed(Attempt a, long endedNanos) {
    metrics.batchCommitted(a.insertedPerTable(), a.batch().size(), a.duplicates(), a.spooled(), endedNanos - a.startedNanos());
    for (Source source : a.batch().sources) {
      source.committed();
    }
    IngestStats s = stats;
    stats = new IngestStats(
        s.entries() + a.batch().size(),
        s.inserted() + a.inserted(),
        s.duplicates() + a.duplicates(),
        s.spooled() + a.spooled() + a.alreadySpooled(),
        s.batches() + 1,
        s.retries() + a.retries(),
        s.filesDeleted());
  }

  private static SpoolStamp stamp(PendingEntry entry, String problem, Instant now) {
    return new SpoolStamp(SpoolStamp.INGESTER, entry.origin() + ": " + problem, now);
  }

  /**
   * Waits for a commit still in flight (the loop ended by an exception): committed, it counts;
   * failed, it is rolled back (its entries are read again on the next start). Then closes the
   * statements and the committer thread.
   */
  @Override
  public void close() throws SQLException {
    InFlight pending = inFlight;
    inFlight = null;
    try {
      if (pending != null && await(pending) != null) {
        pending.attempt().tx().close();
      }
    } finally {
      committer.shutdown();
      inserter.close();
    }
  }
}
