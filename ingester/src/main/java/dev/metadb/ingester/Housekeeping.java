package dev.metadb.ingester;

import dev.metadb.store.MetaDatabase;
import dev.metadb.writer.Home;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;

/**
 * The ingester's upkeep, done only while no batch is open, so it never delays a commit:
 *
 * <ul>
 *   <li>WAL CHECKPOINT: {@code PRAGMA wal_checkpoint(TRUNCATE)} once the loop has been idle for
 *       {@link #WAL_CHECKPOINT_IDLE_NANOS} after a commit, so the WAL does not grow without bound
 *       (readers holding old snapshots starve automatic checkpoints); retried at the next idle
 *       moment when a reader kept it from finishing.
 *   <li>RETENTION: every {@link #RETENTION_INTERVAL_NANOS}, at start and at the end of a drain,
 *       the {@link Retention} rule over every slot, and {@link FileRetention} over the
 *       finished-file directories.
 *   <li>ROW RETENTION: every idle moment, {@link RowRetention#runIdle} for at most
 *       {@link #ROW_RETENTION_BUDGET} (it looks at the policies once a minute when nothing is due).
 * </ul>
 */
final class Housekeeping {
  static final long WAL_CHECKPOINT_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
  static final long RETENTION_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(10);
  /** How long one idle moment may spend deleting expired rows (500-row transactions). */
  static final Duration ROW_RETENTION_BUDGET = Duration.ofMillis(20);

  private final MetaDatabase db;
  private final Retention retention;
  private final RowRetention rows;
  private IngestMetrics metrics = IngestMetrics.NONE;
  private final Home home;
  private final Consumer<String> log;
  private boolean walDirty;
  private long lastCommitNanos;
  private long nextSweepNanos;
  private volatile long filesDeleted;

  Housekeeping(Home home, MetaDatabase db, IngestOptions options, Consumer<String> log) {
    this.db = db;
    this.retention = new Retention(options.retainDays());
    this.rows = new RowRetention(db, Instant::now, log);
    this.home = home;
    this.log = log;
  }

  /** A batch committed: the WAL has grown. */
  void committed() {
    walDirty = true;
    lastCommitNanos = System.nanoTime();
  }

  /** The loop is idle with nothing uncommitted: do what is due. */
  void idle(Sources sources, long nowNanos) {
    if (walDirty && nowNanos - lastCommitNanos >= WAL_CHECKPOINT_IDLE_NANOS) {
      walDirty = !checkpointWal();
    }
    if (nowNanos >= nextSweepNanos) {
      sweep(sources);
    }
    expireRows(ROW_RETENTION_BUDGET);
  }

  /** Where retention's deletions are counted; set once, before the loop starts. */
  void metrics(IngestMetrics metrics) {
    this.metrics = metrics;
  }

  /** Row retention ({@link RowRetention}) for about {@code budget}; a failure waits for the next idle moment. */
  private void expireRows(Duration budget) {
    try {
      long deleted = rows.runIdle(budget);
      if (deleted > 0) {
        metrics.retentionDeletedRows(deleted);
      }
    } catch (SQLException e) {
      log.accept("retention: deleting expired rows failed (will retry): " + e.getMessage());
    }
  }

  /** Retention now, and a WAL checkpoint: at the end of a drain. */
  void finish(Sources sources) {
    sweep(sources);
    for (int i = 0; i < 1000 && !rows.resting(); i++) {
      expireRows(ROW_RETENTION_BUDGET);
    }
    checkpointWal();
  }

  /** Cycle files deleted by retention since open; any thread. */
  long filesDeleted() {
    return filesDeleted;
  }

  /** Applies retention to every slot now. */
  void sweep(Sources sources) {
    nextSweepNanos = System.nanoTime() + RETENTION_INTERVAL_NANOS;
    // Chronicle unmaps the cycle files a tailer moved past on a background thread; until it has,
    // they count as open and Retention keeps them. Release them now so the sweep sees them closed.
    BackgroundResourceReleaser.releasePendingResources();
    Instant now = Instant.now();
    long deleted = 0;
    for (SlotReader slot : sources.of(SlotReader.class)) {
      try {
        deleted += retention.sweep(slot, slot.checkpoint(), now, log);
      } catch (RuntimeException e) {
        log.accept(slot.name() + ": retention failed (will retry): " + e);
      }
    }
    try {
      deleted += FileRetention.sweep(home, RetentionPolicies.load(db.connection()), now, log);
    } catch (SQLException e) {
      log.accept("retention: cannot read the policies (will retry): " + e.getMessage());
    }
    filesDeleted += deleted;
    if (deleted > 0) {
      metrics.retentionDeletedFiles(deleted);
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
}
