package dev.metadb.ingester;

import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.InvalidEventException;
import dev.metadb.event.Table;
import dev.metadb.store.MetaDatabase;
import dev.metadb.store.MetaDatabaseException;
import dev.metadb.writer.ChronicleSettings;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * What {@code metadb status} reports, read without disturbing a running ingester: meta.db is
 * opened read-only (WAL readers do not block the writer), the queues only get tailers, the lock is
 * probed for an instant.
 *
 * @param home the home directory
 * @param schemaVersion meta.db's {@code user_version}; empty when there is no meta.db yet
 * @param rows rows per event table, in table order (empty without meta.db)
 * @param slots one entry per writer slot
 * @param ingesterPid the pid holding the ingest lock; empty when no ingester runs (-1: running,
 *     pid unknown)
 * @param spool one entry per spool file in the home's logs directory, by name: lines replay has
 *     still to apply (pending) apart from those it applied or quarantined
 * @param files one entry per inbox file and per tailed trail file
 */
public record IngestStatus(
    Path home,
    OptionalLong schemaVersion,
    Map<String, Long> rows,
    List<SlotStatus> slots,
    OptionalLong ingesterPid,
    List<FileStatus> spool,
    List<FileStatus> files) {

  /**
   * One inbox file, one trail file the ingester tails (a ledger row outside {@code logs/}), or
   * one spool file.
   *
   * @param file its path
   * @param kind {@code inbox}, {@code trail} or {@code spool}
   * @param size its size in bytes now
   * @param pendingBytes bytes after the last applied line (a partial last line included)
   * @param pendingLines complete lines after the last applied line
   * @param linesApplied lines whose events are in meta.db
   * @param linesQuarantined lines sent to quarantine
   * @param oldestPending when the first line not yet applied was recorded (its ts_utc), or else
   *     when the file's checkpoint last moved; null when nothing is pending
   */
  public record FileStatus(
      Path file, String kind, long size, long pendingBytes, long pendingLines, long linesApplied, long linesQuarantined,
      Instant oldestPending) {
    /** How long the oldest pending line has waited; zero when none. */
    public Duration lag(Instant now) {
      return oldestPending == null || oldestPending.isAfter(now) ? Duration.ZERO : Duration.between(oldestPending, now);
    }
  }

  /**
   * One writer slot.
   *
   * @param slot {@code slot-NN}
   * @param checkpointIndex the last committed queue index; empty when nothing was ingested yet
   * @param checkpointAt when that checkpoint was committed (ISO-8601 text); null when none
   * @param lagEntries entries in the queue after the checkpoint
   * @param oldestPending the recording time of the first entry after the checkpoint; null when
   *     there is none (or it does not decode)
   * @param retired why the ingester retired the slot (damage it found), or null when it is in use
   */
  public record SlotStatus(
      String slot, OptionalLong checkpointIndex, String checkpointAt, long lagEntries, Instant oldestPending,
      String retired) {}

  /** Where events wait for ingest: the writer slots' queues, or the inbox files and trails. */
  public enum Waiting { QUEUE, FILES }

  /**
   * Events waiting for ingest: queue entries after each slot's checkpoint plus complete lines not
   * yet applied in every inbox file and trail (a line that will be quarantined counts too).
   */
  public long lagEntries() {
    return lagEntries(Waiting.QUEUE) + lagEntries(Waiting.FILES);
  }

  /** Events waiting in one kind of source. */
  public long lagEntries(Waiting where) {
    return where == Waiting.QUEUE
        ? slots.stream().mapToLong(SlotStatus::lagEntries).sum()
        : files.stream().mapToLong(FileStatus::pendingLines).sum();
  }

  /** How long the oldest event waiting for ingest (queue entry or file line) has waited; zero when none. */
  public Duration lag(Instant now) {
    Duration queue = lag(Waiting.QUEUE, now);
    Duration files = lag(Waiting.FILES, now);
    return queue.compareTo(files) >= 0 ? queue : files;
  }

  /** How long the oldest event waiting in one kind of source has waited; zero when none. */
  public Duration lag(Waiting where, Instant now) {
    Stream<Instant> oldest = where == Waiting.QUEUE
        ? slots.stream().map(SlotStatus::oldestPending)
        : files.stream().map(FileStatus::oldestPending);
    return oldest.filter(t -> t != null)
        .min(Instant::compareTo)
        .map(t -> Duration.between(t, now).isNegative() ? Duration.ZERO : Duration.between(t, now))
        .orElse(Duration.ZERO);
  }

  /** Spooled lines {@code metadb replay} has still to apply. */
  public long spoolPendingLines() {
    return spool.stream().mapToLong(FileStatus::pendingLines).sum();
  }

  /** The most recent checkpoint commit over all slots, or null. */
  public String lastCheckpointAt() {
    return slots.stream().map(SlotStatus::checkpointAt).filter(t -> t != null).max(String::compareTo).orElse(null);
  }

  /**
   * The inbox files and trails of {@code home} with what each has not yet applied, without the
   * queue (no Chronicle queue is opened): cheap enough for a hint.
   */
  public static List<FileStatus> files(Home home) throws IOException, SQLException, MetaDatabaseException {
    return FileStatuses.read(home);
  }

  /** The spool files of {@code home} with the lines replay has still to apply (no queue is opened). */
  public static List<FileStatus> spool(Home home) throws IOException, SQLException, MetaDatabaseException {
    return FileStatuses.spool(home);
  }

  /** Reads the status of {@code home}. */
  public static IngestStatus read(Home home) throws IOException, SQLException, MetaDatabaseException {
    return read(home, true);
  }

  /**
   * What waits to reach meta.db and nothing else: as {@link #read}, without counting the rows of
   * every table (a full scan of each), so {@link #rows} is empty. For notes beside a query.
   */
  public static IngestStatus waiting(Home home) throws IOException, SQLException, MetaDatabaseException {
    return read(home, false);
  }

  private static IngestStatus read(Home home, boolean countRows) throws IOException, SQLException, MetaDatabaseException {
    OptionalLong version = OptionalLong.empty();
    Map<String, Long> rows = new LinkedHashMap<>();
    Map<String, CheckpointStore.Checkpoint> checkpoints = Map.of();
    if (Files.isRegularFile(home.metaDb())) {
      try (MetaDatabase db = MetaDatabase.openReadOnly(home.metaDb())) {
        version = OptionalLong.of(db.schemaVersion());
        if (db.schemaVersion() > 0) {
          for (Table table : countRows ? Table.values() : new Table[0]) {
            rows.put(table.sqlName(), count(db, table.sqlName()));
          }
          checkpoints = CheckpointStore.load(db.connection());
        }
      }
    }
    List<SlotStatus> slots = new ArrayList<>();
    for (Path dir : home.slotDirs()) {
      if (!Home.hasCycleFile(dir)) {
        continue;
      }
      String name = dir.getFileName().toString();
      CheckpointStore.Checkpoint checkpoint = checkpoints.get(name);
      slots.add(slotStatus(name, dir, checkpoint));
    }
    return new IngestStatus(
        home.dir(), version, rows, slots, IngestLock.holder(home), FileStatuses.spool(home), FileStatuses.read(home));
  }

  private static long count(MetaDatabase db, String table) throws SQLException {
    try (var statement = db.connection().createStatement();
        var rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private static SlotStatus slotStatus(String name, Path dir, CheckpointStore.Checkpoint checkpoint) throws IOException {
    String retired = SlotRetirement.reason(dir);
    if (retired != null) {
      return retiredSlotStatus(name, dir, checkpoint, retired);
    }
    try (SingleChronicleQueue queue = ChronicleSettings.openForReading(dir);
        ExcerptTailer tailer = queue.createTailer()) {
      long lag;
      if (checkpoint == null) {
        tailer.toStart();
        lag = queue.entryCount();
      } else if (tailer.moveToIndex(checkpoint.queueIndex())) {
        try (DocumentContext dc = tailer.readingDocument()) {
          // Skips the checkpoint's own entry: it is ingested.
        }
        long last = queue.lastIndex();
        lag = last > checkpoint.queueIndex() ? queue.countExcerpts(checkpoint.queueIndex(), last) : 0;
      } else {
        tailer.toStart();
        lag = queue.entryCount();
      }
      Instant oldest = null;
      // Only an entry inside the count above is "oldest pending": one appended after lastIndex was
      // read would give a lag in seconds beside a lag of zero entries.
      try (DocumentContext dc = tailer.readingDocument()) {
        if (lag > 0 && dc.isPresent()) {
          Bytes<?> bytes = dc.wire().bytes();
          byte[] raw = new byte[(int) bytes.readRemaining()];
          bytes.read(raw);
          oldest = EnvelopeCodec.decode(raw).tsUtc();
        }
      } catch (InvalidEventException e) {
        // A poison entry: it counts in the lag, but has no trustworthy time.
      }
      return slotStatus(name, checkpoint, lag, oldest, null);
    }
  }

  /**
   * A retired slot is read the way the ingester reads it, byte by byte ({@link SlotSalvage}):
   * Chronicle cannot be trusted past its damage.
   */
  private static SlotStatus retiredSlotStatus(String name, Path dir, CheckpointStore.Checkpoint checkpoint, String reason)
      throws IOException {
    Long after = checkpoint == null ? null : checkpoint.queueIndex();
    long lag = 0;
    Instant oldest = null;
    try (SlotSalvage salvage = new SlotSalvage(dir, after, ChronicleSettings.ROLL_CYCLE, line -> {})) {
      for (CycleFileReader.Item item; (item = salvage.next()) != null; lag++) {
        if (oldest == null && item.envelope() != null) {
          oldest = item.envelope().tsUtc();
        }
      }
    }
    return slotStatus(name, checkpoint, lag, oldest, reason);
  }

  private static SlotStatus slotStatus(
      String name, CheckpointStore.Checkpoint checkpoint, long lag, Instant oldest, String retired) {
    return new SlotStatus(
        name,
        checkpoint == null ? OptionalLong.empty() : OptionalLong.of(checkpoint.queueIndex()),
        checkpoint == null ? null : checkpoint.updatedAt(),
        lag,
        oldest,
        retired);
  }
}
