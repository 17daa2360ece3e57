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
import java.util.ArrayList;
import java.util.List;
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
 * <p>WRITTEN IN THE BACKGROUND ({@link #commitInBackground}). The whole transaction (the
 * inserts, the checkpoints, COMMIT) runs on this writer's one committer thread while the loop
 * reads, decodes and validates the next batch: in the 2026-12-03 profile of a 1M-event drain,
 * decoding was about two thirds of the loop's Java time and SQLite (bind, step, COMMIT) most of
 * the rest, so the two overlap. At most one batch is in flight; the loop waits for it ({@link
 * #settle}) before it hands over the next one and before anything else that uses meta.db
 * (discovery, housekeeping), except a new file's ledger lookup (sqlite-jdbc serialises calls on
 * one connection; the lookup may see the in-flight rows, which are either committed or, merged,
 * committed again). Why this keeps exactly once:
 *
 * <ol>
 *   <li>each source's checkpoint is fixed on the loop's thread at the hand-off ({@link
 *       Source#pendingCheckpoint}), so the transaction writes exactly the position of the rows it
 *       carries, however far the source has read since; {@link Source.Checkpoint#committed}
 *       (called by {@link #settle}, on the loop's thread) makes that position the stored one;
 *   <li>a failed background transaction is rolled back and its batch is merged in front of the
 *       batch being filled; the merged batch is committed (with retries, as above) with
 *       checkpoints fixed anew, which describe exactly the merged rows.
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

  /** One committed attempt: its batch, the checkpoints it wrote, and what it counts. */
  private record Attempt(
      Batch batch, List<Source.Checkpoint> checkpoints, long inserted, long duplicates, long spooled,
      long alreadySpooled, long retries, long[] insertedPerTable, long startedNanos, long endedNanos) {}

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
  /** The batch whose transaction runs on the committer thread, or null. */
  private Batch handedBatch;
  private Future<Attempt> inFlight;
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
   * Hands the batch's transaction (rows, checkpoints fixed now, COMMIT) to the committer thread and
   * leaves the batch empty for the next fill. Call {@link #settle} first: one batch at a time is in
   * flight.
   *
   * @return false when a stop was requested before the batch could commit
   */
  boolean commitInBackground(Batch batch) throws SQLException, IOException {
    if (inFlight != null) {
      throw new IllegalStateException("a batch is already in flight");
    }
    List<Source.Checkpoint> fixed;
    try {
      fixed = checkpoints(batch);
    } catch (IOException e) {
      return commit(batch, e);
    }
    Batch handed = batch.detach();
    handedBatch = handed;
    inFlight = committer.submit(() -> writeUncommitted(handed, fixed, 0));
    return true;
  }

  /**
   * Waits for the batch in flight, if any. Committed: its sources' checkpoints become the stored
   * ones and the counters move. Failed: rolled back, merged in front of {@code current} (the
   * batch being filled) and committed with it, retrying with capped backoff.
   *
   * @return false when a stop was requested before the merged batch could commit
   */
  boolean settle(Batch current) throws SQLException, IOException {
    Future<Attempt> pending = inFlight;
    Batch handed = handedBatch;
    if (pending == null) {
      return true;
    }
    inFlight = null;
    handedBatch = null;
    Throwable failure = await(pending);
    if (failure == null) {
      return true;
    }
    int taken = current.size();
    current.absorb(handed);
    if (failure instanceof SQLException || failure instanceof IOException) {
      log.accept("meta.db: the transaction of " + handed.size() + " entries failed (" + failure.getMessage()
          + "); rolled back, retrying it together with the " + taken + " entries taken since");
      return commit(current, (Exception) failure);
    }
    throw new IllegalStateException("the committer thread failed", failure);
  }

  /**
   * Waits, even when interrupted (the connection is not the loop's again until the transaction
   * ended; the flag is kept), for the batch in flight; applies it when it committed, else returns
   * why not (it was rolled back).
   */
  private Throwable await(Future<Attempt> pending) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          committed(pending.get());
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

  /** Every touched source's checkpoint, fixed now, in the order the sources were first touched. */
  private static List<Source.Checkpoint> checkpoints(Batch batch) throws IOException {
    List<Source.Checkpoint> fixed = new ArrayList<>(batch.sources.size());
    for (Source source : batch.sources) {
      fixed.add(source.pendingCheckpoint());
    }
    return fixed;
  }

  /**
   * Commits the batch on this thread, retrying transient failures with capped backoff, and clears
   * it; {@code failed} is the failure of an attempt already made (null: none yet). Returns false
   * when a stop was requested before it could commit (the entries stay in their sources for the
   * next run).
   */
  private boolean commit(Batch batch, Exception failed) throws SQLException, IOException {
    Backoff backoff = null;
    RetryLog retryLog = new RetryLog(log, System::nanoTime);
    long retries = 0;
    Exception failure = failed;
    while (true) {
      if (failure == null) {
        try {
          committed(writeUncommitted(batch, checkpoints(batch), retries));
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
   * One attempt at the batch's transaction: BEGIN, the rows, the checkpoints, COMMIT; rolled back
   * on failure. Touches no source: it may run on the committer thread while the loop takes on.
   */
  private Attempt writeUncommitted(Batch batch, List<Source.Checkpoint> fixed, long retriesSoFar)
      throws SQLException, IOException {
    Instant now = Timestamps.now();
    long inserted = 0;
    long duplicates = 0;
    long spooled = 0;
    long[] insertedPerTable = new long[Table.values().length];
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
      for (Source.Checkpoint checkpoint : fixed) {
        checkpoint.save(checkpoints, now);
      }
      tx.commit();
    }
    long alreadySpooled = batch.entries.stream().filter(e -> e.spooled).count() - spooled;
    return new Attempt(batch, fixed, inserted, duplicates, spooled, alreadySpooled, retriesSoFar, insertedPerTable, started,
        System.nanoTime());
  }

  /** The attempt committed: checkpoints and counters move. On the loop's thread. */
  private void committed(Attempt a) {
    metrics.batchCommitted(a.insertedPerTable(), a.batch().size(), a.duplicates(), a.spooled(), a.endedNanos() - a.startedNanos());
    for (Source.Checkpoint checkpoint : a.checkpoints()) {
      checkpoint.committed();
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
   * Waits for a batch still in flight (the loop ended by an exception): committed, it counts;
   * failed, it was rolled back (its entries are read again on the next start). Then closes the
   * statements and the committer thread.
   */
  @Override
  public void close() throws SQLException {
    Future<Attempt> pending = inFlight;
    inFlight = null;
    handedBatch = null;
    try {
      if (pending != null) {
        await(pending);
      }
    } finally {
      committer.shutdown();
      inserter.close();
    }
  }
}
