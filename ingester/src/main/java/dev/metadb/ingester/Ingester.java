package dev.metadb.ingester;

import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.InvalidEventException;
import dev.metadb.event.SpoolStamp;
import dev.metadb.event.Timestamps;
import dev.metadb.writer.ErrorSpool;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;

/**
 * The ingester: tails every writer slot of a home and commits the entries into meta.db exactly
 * once.
 *
 * <p>THE LOOP (one thread).
 *
 * <pre>
 *   every 100 ms: list queue/slot-NN, open a {@link SlotReader} for each new one (and, between
 *                 batches, again for each whose directory was replaced)
 *   take entries round-robin from the slots into the batch (decoding each)
 *   when batch.size == batchSize, or the oldest entry waited maxLatency, or stopping/draining:
 *       BEGIN IMMEDIATE
 *         INSERT OR IGNORE each row           (undecodable/unapplicable entries: to the spool)
 *         per slot: checkpoint = last index taken
 *       COMMIT
 *       on busy / full / I/O error: roll back, wait (capped backoff), retry the same batch;
 *       nothing is read meanwhile, the queue is the buffer
 *   when idle: PRAGMA wal_checkpoint(TRUNCATE) after commits; retention every 10 minutes
 * </pre>
 *
 * <p>EXACTLY ONCE. Rows and checkpoints commit in one transaction; a restart resumes after the
 * checkpoint ({@link SlotReader}); INSERT OR IGNORE on event_id absorbs any re-read. A kill -9 at
 * any point therefore loses nothing and duplicates nothing.
 *
 * <p>AT LEAST ONCE, NOT EXACTLY ONCE: spool lines. An entry is spooled before its batch commits;
 * a crash in between spools it again on restart. Replay is idempotent, so the copy is harmless.
 *
 * <p>ONE PER HOME: {@link #open} takes the {@link IngestLock}. {@link #stop()} may be called from
 * any thread (a signal handler); everything else belongs to the thread running {@link #run()} or
 * {@link #drain()}.
 */
public final class Ingester implements AutoCloseable {
  /**
   * How often queue/ is listed for new writer slots. A new writer's first events wait up to this
   * long (the benchmark's drain figures were mostly the former 500 ms); a listing of at most 64
   * slot directories costs well under a millisecond.
   */
  private static final long RESCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final long WAL_CHECKPOINT_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long RETENTION_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(10);
  private static final long MAX_IDLE_PAUSE_MILLIS = 10;

  private final Home home;
  private final IngestOptions options;
  private final Consumer<String> log;
  private final IngestLock lock;
  private final MetaDatabase db;
  private final EventInserter inserter;
  private final CheckpointStore checkpointStore;
  private final ErrorSpool spool;
  private final Retention retention;
  private final Map<String, SlotReader> slots = new TreeMap<>();
  private final Map<String, Long> checkpoints = new HashMap<>();
  private final CountDownLatch stopLatch = new CountDownLatch(1);
  private volatile boolean stopRequested;
  private volatile IngestStats stats = IngestStats.ZERO;
  private int roundStart;

  private Ingester(Home home, IngestOptions options, Consumer<String> log, IngestLock lock, MetaDatabase db)
      throws SQLException {
    this.home = home;
    this.options = options;
    this.log = log;
    this.lock = lock;
    this.db = db;
    this.inserter = new EventInserter(db.connection());
    this.checkpointStore = new CheckpointStore(db.connection());
    this.spool = new ErrorSpool(home);
    this.retention = new Retention(options.retainDays());
    CheckpointStore.load(db.connection()).forEach((slot, c) -> checkpoints.put(slot, c.queueIndex()));
  }

  /**
   * Takes the home's ingest lock, opens meta.db through the schema gate and positions a reader on
   * every slot after its checkpoint.
   *
   * @param log receives one line per notable event (schema created or migrated, retry, skip)
   * @throws AnotherIngesterException another ingester runs on this home
   * @throws CheckpointMissingException a checkpoint's cycle file is gone and skipMissing is off
   * @throws MetaDatabaseException meta.db is not a database, or its schema is newer
   */
  public static Ingester open(Home home, IngestOptions options, Consumer<String> log)
      throws IOException, SQLException, MetaDatabaseException, IngestException {
    IngestLock lock = IngestLock.acquire(home);
    MetaDatabase db = null;
    Ingester ingester = null;
    try {
      db = MetaDatabase.open(home.metaDb(), log);
      ingester = new Ingester(home, options, log, lock, db);
      ingester.scanSlots(true);
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
   * Ingests until every slot has nothing more, commits, runs retention and returns what this call
   * committed ({@code metadb ingest --once}). Entries appended meanwhile are taken too.
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

  /** Counts since open; any thread. */
  public IngestStats stats() {
    return stats;
  }

  private IngestStats loop(boolean untilDrained) throws SQLException, IOException, IngestException {
    IngestStats start = stats;
    Batch batch = new Batch();
    long maxLatencyNanos = options.maxLatency().toNanos();
    long nextRescan = System.nanoTime() + RESCAN_NANOS;
    long nextRetention = System.nanoTime() + RETENTION_INTERVAL_NANOS;
    long lastCommitNanos = 0;
    boolean walDirty = false;
    long idlePauseMillis = 1;
    slots.values().forEach(SlotReader::adoptByCurrentThread);
    sweepRetention();
    while (true) {
      long now = System.nanoTime();
      if (now >= nextRescan) {
        scanSlots(batch.isEmpty());
        nextRescan = now + RESCAN_NANOS;
      }
      boolean stopping = stopRequested;
      int taken = stopping ? 0 : fill(batch);
      if (!batch.isEmpty()
          && (batch.size() >= options.batchSize()
              || batch.ageNanos(now) >= maxLatencyNanos
              || stopping
              || (untilDrained && taken == 0))) {
        if (!commit(batch)) {
          break;
        }
        lastCommitNanos = System.nanoTime();
        walDirty = true;
        idlePauseMillis = 1;
        continue;
      }
      if (stopping || (untilDrained && taken == 0 && batch.isEmpty())) {
        break;
      }
      if (taken > 0) {
        idlePauseMillis = 1;
        continue;
      }
      if (batch.isEmpty()) {
        if (walDirty && now - lastCommitNanos >= WAL_CHECKPOINT_IDLE_NANOS) {
          walDirty = !checkpointWal();
        }
        if (now >= nextRetention) {
          sweepRetention();
          nextRetention = now + RETENTION_INTERVAL_NANOS;
        }
      }
      long pause = idlePauseMillis;
      if (!batch.isEmpty()) {
        pause = Math.max(1, Math.min(pause, TimeUnit.NANOSECONDS.toMillis(maxLatencyNanos - batch.ageNanos(now))));
      }
      if (!pause(pause)) {
        continue;
      }
      idlePauseMillis = Math.min(MAX_IDLE_PAUSE_MILLIS, idlePauseMillis * 2);
    }
    if (untilDrained && !stopRequested) {
      sweepRetention();
      checkpointWal();
    }
    return stats.since(start);
  }

  /** Takes entries round-robin until the batch is full or no slot has more; returns how many. */
  private int fill(Batch batch) {
    if (slots.isEmpty()) {
      return 0;
    }
    List<SlotReader> order = new ArrayList<>(slots.values());
    int taken = 0;
    int n = order.size();
    roundStart = (roundStart + 1) % n;
    for (int i = 0; i < n && batch.size() < options.batchSize(); i++) {
      SlotReader slot = order.get((roundStart + i) % n);
      PendingEntry entry;
      while (batch.size() < options.batchSize() && (entry = slot.next()) != null) {
        batch.add(entry);
        taken++;
      }
    }
    return taken;
  }

  /**
   * Commits the batch, retrying transient failures with capped backoff. Returns false when a
   * stop was requested before it could commit (the entries stay in the queue for the next run).
   */
  private boolean commit(Batch batch) throws SQLException, IOException {
    Backoff backoff = null;
    long retries = 0;
    while (true) {
      String failure;
      try {
        write(batch, retries);
        batch.clear();
        return true;
      } catch (SQLException e) {
        if (!MetaDatabase.isTransient(e)) {
          throw e;
        }
        failure = "meta.db: " + e.getMessage();
      } catch (IOException e) {
        failure = "spool " + home.spoolFileToday() + ": " + e;
      }
      if (backoff == null) {
        backoff = new Backoff();
      }
      retries++;
      long wait = backoff.next();
      log.accept(failure + "; " + batch.size() + " entries stay in the queue, retry " + retries + " in " + wait + " ms");
      if (!pause(wait) || stopRequested) {
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
    String nowText = Timestamps.format(now);
    long inserted = 0;
    long duplicates = 0;
    long spooled = 0;
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
          } else {
            duplicates++;
          }
        } catch (SQLException e) {
          if (MetaDatabase.isTransient(e) || !isEntryProblem(e)) {
            throw e;
          }
          spool.append(entry.envelope, stamp(entry, entry.envelope.table().sqlName() + ": " + e.getMessage(), now));
          entry.spooled = true;
          spooled++;
        }
      }
      for (Map.Entry<SlotReader, long[]> last : batch.lastIndex.entrySet()) {
        checkpointStore.save(last.getKey().name(), last.getValue()[0], last.getValue()[1], nowText);
      }
      tx.commit();
    }
    for (Map.Entry<SlotReader, long[]> last : batch.lastIndex.entrySet()) {
      checkpoints.put(last.getKey().name(), last.getValue()[0]);
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

  /** A failure of this one row (constraint, size, type), not of the database. */
  private static boolean isEntryProblem(SQLException e) {
    int primary = e.getErrorCode() & 0xff;
    return primary == 19 /* SQLITE_CONSTRAINT */
        || primary == 18 /* SQLITE_TOOBIG */
        || primary == 20 /* SQLITE_MISMATCH */;
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

  private boolean checkpointWal() {
    try {
      return db.checkpointWal();
    } catch (SQLException e) {
      log.accept("meta.db: WAL checkpoint failed (will retry when idle): " + e.getMessage());
      return false;
    }
  }

  private void sweepRetention() {
    // Chronicle unmaps the cycle files a tailer moved past on a background thread; until it has,
    // they count as open and Retention keeps them. Release them now so the sweep sees them closed.
    BackgroundResourceReleaser.releasePendingResources();
    Instant now = Instant.now();
    long deleted = 0;
    for (SlotReader slot : slots.values()) {
      try {
        deleted += retention.sweep(slot, checkpoints.get(slot.name()), now, log);
      } catch (RuntimeException e) {
        log.accept(slot.name() + ": retention failed (will retry): " + e);
      }
    }
    if (deleted > 0) {
      IngestStats s = stats;
      stats = new IngestStats(s.entries(), s.inserted(), s.duplicates(), s.spooled(), s.batches(), s.retries(), s.filesDeleted() + deleted);
    }
  }

  /**
   * Opens a reader for every slot directory not yet open that holds at least one cycle file.
   * With {@code mayReopen} (no uncommitted entries), first drops the readers whose directory was
   * replaced (removed and created again, or restored), so they are opened again on what is there
   * now, positioned by the restart rule ({@link SlotReader}).
   */
  private void scanSlots(boolean mayReopen) throws IOException, CheckpointMissingException {
    Path queueDir = home.queueDir();
    if (!Files.isDirectory(queueDir)) {
      return;
    }
    if (mayReopen) {
      for (Iterator<SlotReader> it = slots.values().iterator(); it.hasNext(); ) {
        SlotReader reader = it.next();
        if (reader.replaced()) {
          log.accept(reader.name() + ": " + reader.dir() + " was replaced by another directory; opening it again");
          it.remove();
          reader.close();
        }
      }
    }
    List<Path> found;
    try (Stream<Path> list = Files.list(queueDir)) {
      found = list.filter(p -> Home.slotNumber(p.getFileName().toString()) >= 0 && Files.isDirectory(p)).sorted().toList();
    }
    for (Path dir : found) {
      String name = dir.getFileName().toString();
      if (!slots.containsKey(name) && hasCycleFile(dir)) {
        Long checkpoint = checkpoints.get(name);
        slots.put(name, SlotReader.open(name, dir, checkpoint, options.skipMissing(), this::committed, log));
        log.accept(name + ": reading " + (checkpoint == null ? "from its first entry" : "after checkpoint 0x" + Long.toHexString(checkpoint)));
      }
    }
  }

  /**
   * Whether the queue entry {@code raw} is one this home committed: its event is a row. An entry
   * that does not decode cannot be told apart (such entries go to the spool, not to a table) and
   * counts as committed.
   */
  private boolean committed(byte[] raw) {
    Envelope envelope;
    try {
      envelope = EnvelopeCodec.decode(raw);
    } catch (InvalidEventException e) {
      return true;
    }
    try (PreparedStatement find = db.connection().prepareStatement(
        "SELECT 1 FROM " + envelope.table().sqlName() + " WHERE event_id = ?")) {
      find.setString(1, envelope.eventId());
      try (ResultSet rs = find.executeQuery()) {
        return rs.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("meta.db: cannot look up event " + envelope.eventId() + ": " + e.getMessage(), e);
    }
  }

  /** A writer creates the cycle file on its first append; before that there is nothing to read. */
  private static boolean hasCycleFile(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.anyMatch(p -> p.getFileName().toString().endsWith(".cq4"));
    }
  }

  /** Closes readers, statements, meta.db and the lock, in that order; keeps the first error. */
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
    List<AutoCloseable> parts = new ArrayList<>(slots.values());
    slots.clear();
    parts.add(inserter);
    parts.add(checkpointStore);
    parts.add(db);
    parts.add(lock);
    return closeAll(primary, parts.toArray(AutoCloseable[]::new));
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
