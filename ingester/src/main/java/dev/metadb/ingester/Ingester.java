package dev.metadb.ingester;

import dev.metadb.store.EventInserter;
import dev.metadb.store.MetaDatabase;
import dev.metadb.store.MetaDatabaseException;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The ingester: takes events from every source of a home (writer slots, {@code inbox/} files,
 * {@code --trail} files) and commits them into meta.db exactly once.
 *
 * <p>THE LOOP (one thread, plus the batch writer's committer thread for the transactions).
 *
 * <pre>
 *   loop:
 *     every RESCAN (50 ms): wait for the batch in flight, then discoveries find new sources and
 *                            notice changed ones (some only with nothing uncommitted: then at
 *                            the next empty batch)
 *     taken := take what is ready from every source, round-robin, into the batch
 *     if the batch is full (batch size, or EventInserter.MAX_BATCH_BYTES of entries), or its
 *        oldest entry waited maxLatency, or we are stopping, or
 *        (drain) nothing more is ready:
 *         wait for the batch in flight (a failed one is merged in front of this batch), fix
 *         every touched source's checkpoint, and hand the batch to the committer thread: rows
 *         and checkpoints in one transaction (retried with capped backoff on busy / full / I/O,
 *         see BatchWriter); the next batch is read and decoded meanwhile
 *     else if nothing was taken: wait for the batch in flight; housekeeping (WAL checkpoint,
 *        retention) if nothing is uncommitted, then pause: 1 ms while anything was taken in the
 *        last HOT second, else 1..10 ms, growing (never past the batch's maxLatency)
 *   until stopped, or (drain) until nothing more is ready and nothing is uncommitted or in flight
 * </pre>
 *
 * <p>WHY A COMMITTER THREAD. In a 1M-event drain, reading, decoding and validating entries was
 * about two thirds of the loop's Java time and SQLite's work (bind, step, COMMIT) most of the
 * rest (docs/benchmarks.md, "Where the time goes: ingest"); run one after the other on one thread
 * they capped the drain at about 0.65x of the raw SQLite insert of the same rows. Overlapping them
 * is what can bring it near the ceiling when a second core is free.
 *
 * <p>LAG. A Chronicle append is a write into a shared memory map, which no file notification
 * reports, so the loop polls. While events flow it polls every millisecond, so an entry waits at
 * most about 1 ms to be seen and maxLatency (default 2 ms) to be committed; after a quiet second
 * it backs off to 10 ms between polls, so an idle ingester costs about 100 wake-ups a second.
 *
 * <p>EXACTLY ONCE. Rows and checkpoints commit in one transaction; a source's checkpoint is fixed
 * when its batch is handed over, and its stored checkpoint moves only to that, even when more was
 * taken while the batch committed ({@link BatchWriter}); a restart resumes every source after its checkpoint ({@link Source});
 * INSERT OR IGNORE on event_id absorbs any re-read.
 * A kill -9 at any point therefore loses nothing and duplicates nothing.
 *
 * <p>ONE PER HOME: {@link #open} takes the {@link IngestLock}. {@link #stop()} may be called from
 * any thread (a signal handler); everything else belongs to the thread running {@link #run()} or
 * {@link #drain()}.
 */
public final class Ingester implements AutoCloseable {
  /**
   * How often the discoveries run: a new writer slot or inbox file is found within this (the
   * issue asks for 100 ms). Listing at most 64 slot directories and the inbox, and re-hashing
   * each open file's first 4 KiB, costs well under a millisecond. Between scans, an open file
   * costs one fstat per loop iteration (every 1 ms while events flow, up to 10 ms when idle).
   */
  static final long RESCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long MAX_IDLE_PAUSE_MILLIS = 10;
  /** How long after the last entry taken the loop keeps polling every millisecond. */
  static final long HOT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final IngestOptions options;
  private final IngestLock lock;
  private final MetaDatabase db;
  private final CheckpointStore checkpointStore;
  private final BatchWriter writer;
  private final Housekeeping housekeeping;
  private final List<Discovery> discoveries = new ArrayList<>();
  private final Sources sources = new Sources();
  private final List<String> damage = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final CountDownLatch stopLatch = new CountDownLatch(1);
  private volatile boolean stopRequested;

  private Ingester(Home home, IngestOptions options, Consumer<String> log, IngestLock lock, MetaDatabase db)
      throws SQLException {
    this.options = options;
    this.lock = lock;
    this.db = db;
    this.checkpointStore = new CheckpointStore(db.connection());
    this.writer = new BatchWriter(home, db, checkpointStore, new BatchWriter.Waiter() {
      @Override
      public boolean pause(long millis) {
        return Ingester.this.pause(millis);
      }

      @Override
      public boolean stopRequested() {
        return stopRequested;
      }
    }, log);
    this.housekeeping = new Housekeeping(home, db, options, log);
    discoveries.add(new SlotDiscovery(home, options, db.connection(), log, line -> {
      log.accept(line);
      damage.add(line);
    }));
    discoveries.add(new FileDiscovery(FileKind.inbox(home), db, checkpointStore, options.settle(), log));
    for (Trail trail : options.trails()) {
      discoveries.add(new FileDiscovery(FileKind.trail(home, trail), db, checkpointStore, options.settle(), log));
    }
  }

  /**
   * Takes the home's ingest lock, opens meta.db through the schema gate and positions a reader on
   * every source after its checkpoint.
   *
   * @param log receives one line per notable event (schema created or migrated, retry, skip)
   * @throws AnotherIngesterException another ingester runs on this home
   * @throws CheckpointMissingException a checkpoint's cycle file is gone and skipMissing is off
   * @throws MetaDatabaseException meta.db is not a database, or its schema is newer
   */
  public static Ingester open(Home home, IngestOptions options, Consumer<String> log)
      throws IOException, SQLException, MetaDatabaseException, IngestException {
    return open(home, options, log, IngestMetrics.NONE);
  }

  /** {@link #open(Home, IngestOptions, Consumer)}, reporting batches and retries to {@code metrics}. */
  public static Ingester open(Home home, IngestOptions options, Consumer<String> log, IngestMetrics metrics)
      throws IOException, SQLException, MetaDatabaseException, IngestException {
    ChronicleWarnings.sendTo(log);
    IngestLock lock = IngestLock.acquire(home);
    MetaDatabase db = null;
    Ingester ingester = null;
    try {
      db = MetaDatabase.open(home.metaDb(), log);
      ingester = new Ingester(home, options, log, lock, db);
      ingester.writer.metrics(metrics);
      ingester.housekeeping.metrics(metrics);
      ingester.discover(true);
      return ingester;
    } catch (IOException | SQLException | MetaDatabaseException | IngestException | RuntimeException e) {
      if (ingester != null) {
        ingester.closeAll(e);
      } else {
        closeAll(e, db, lock);
      }
      throw e;
    }
  }

  /**
   * Ingests until every source has nothing more, commits, runs retention and returns what this
   * call committed ({@code metadb ingest --once}). Events appended meanwhile are taken too.
   */
  public IngestStats drain() throws SQLException, IOException, IngestException {
    return loop(true);
  }

  /**
   * Ingests until {@link #stop()}: then commits the current batch (if meta.db lets it) and
   * returns what this call committed.
   */
  public IngestStats run() throws SQLException, IOException, IngestException {
    return loop(false);
  }

  /** Asks {@link #run()} or {@link #drain()} to commit its batch and return. Any thread. */
  public void stop() {
    stopRequested = true;
    stopLatch.countDown();
  }

  /**
   * Damage found in writer slots since open, one line each (also logged): a slot retired, an
   * entry recovered past damage, a range of bytes lost. Empty when every slot read cleanly.
   * {@code metadb ingest --once} exits non-zero when it is not empty. Any thread.
   */
  public List<String> damage() {
    return List.copyOf(damage);
  }

  /** Counts since open; any thread. */
  public IngestStats stats() {
    return writer.stats().withFilesDeleted(housekeeping.filesDeleted());
  }

  private IngestStats loop(boolean untilDrained) throws SQLException, IOException, IngestException {
    IngestStats start = stats();
    Batch batch = new Batch(options.batchSize(), EventInserter.MAX_BATCH_BYTES);
    long maxLatencyNanos = options.maxLatency().toNanos();
    long nextRescan = System.nanoTime() + RESCAN_NANOS;
    long idlePauseMillis = 1;
    long lastTakenNanos = System.nanoTime();
    sources.of(SlotReader.class).forEach(SlotReader::adoptByCurrentThread);
    housekeeping.sweep(sources);
    while (true) {
      long now = System.nanoTime();
      if (now >= nextRescan) {
        if (!writer.settle(batch)) {
          break;
        }
        if (discover(batch.isEmpty())) {
          nextRescan = now + RESCAN_NANOS;
        }
      }
      boolean stopping = stopRequested;
      int taken = stopping ? 0 : sources.fill(batch);
      boolean last = stopping || (untilDrained && taken == 0);
      if (!batch.isEmpty()
          && (batch.full() || batch.ageNanos(now) >= maxLatencyNanos || last)) {
        if (!writer.settle(batch) || !(batch.isEmpty() || writer.commitInBackground(batch))) {
          break;
        }
        housekeeping.committed();
        idlePauseMillis = 1;
        continue;
      }
      if (taken > 0) {
        lastTakenNanos = now;
        idlePauseMillis = 1;
        continue;
      }
      // Nothing taken: let the batch in flight end (merging it here if it failed) before pausing.
      if (!writer.settle(batch) || last) {
        break;
      }
      boolean hot = now - lastTakenNanos < HOT_NANOS;
      long pause = hot ? 1 : idlePauseMillis;
      if (batch.isEmpty()) {
        housekeeping.idle(sources, now);
      } else {
        pause = Math.max(1, Math.min(pause, TimeUnit.NANOSECONDS.toMillis(maxLatencyNanos - batch.ageNanos(now))));
      }
      if (pause(pause) && !hot) {
        idlePauseMillis = Math.min(MAX_IDLE_PAUSE_MILLIS, idlePauseMillis * 2);
      }
    }
    if (untilDrained && !stopRequested) {
      housekeeping.finish(sources);
    }
    return stats().since(start);
  }

  /** Runs every discovery; false when one must run again once the batch is empty. */
  private boolean discover(boolean batchEmpty) throws IOException, IngestException {
    boolean done = true;
    for (Discovery discovery : discoveries) {
      done &= discovery.scan(sources, batchEmpty);
    }
    return done;
  }

  /** Waits up to {@code millis} or until stop; false when stopped (or interrupted, flag kept). */
  private boolean pause(long millis) {
    try {
      return !stopLatch.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      return false;
    }
  }

  /** Closes sources, statements, meta.db and the lock, in that order; keeps the first error. */
  @Override
  public void close() throws IOException, SQLException {
    Exception first = closeAll(null);
    if (first instanceof IOException e) {
      throw e;
    }
    if (first instanceof SQLException e) {
      throw e;
    }
    if (first instanceof RuntimeException e) {
      throw e;
    }
    if (first != null) {
      throw new IOException("closing the ingester failed", first);
    }
  }

  private Exception closeAll(Exception primary) {
    return closeAll(primary, sources, writer, checkpointStore, db, lock);
  }

  /** Closes each part; returns {@code primary} or else the first failure, with the rest suppressed. */
  private static Exception closeAll(Exception primary, AutoCloseable... parts) {
    Exception first = primary;
    for (AutoCloseable part : parts) {
      if (part == null) {
        continue;
      }
      try {
        part.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    return first;
  }
}
