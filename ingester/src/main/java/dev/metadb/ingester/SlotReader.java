package dev.metadb.ingester;

import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.InvalidEventException;
import dev.metadb.writer.ChronicleSettings;
import dev.metadb.writer.CycleFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Predicate;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The ingester's reader of one writer slot ({@code queue/slot-NN}): a Chronicle tailer positioned
 * just after the slot's checkpoint.
 *
 * <p>RESTART RULE. With a checkpoint index C (the last entry whose row is committed):
 *
 * <ol>
 *   <li>{@code moveToIndex(C)}, read one document, check its index is C and that it is the
 *       entry that was committed (its event is in meta.db: a slot directory removed and created
 *       again has other entries at the same indexes), and continue after it. The tailer's own
 *       persisted position is never used: the checkpoint in meta.db, committed with the rows, is
 *       the only truth.
 *   <li>If C's cycle file is gone (deleted by hand, or the slot's queue replaced), or holds no
 *       entry C, or another entry at C, stop with
 *       {@link CheckpointMissingException}. With the skip flag, read the slot from its first
 *       remaining entry instead: entries already ingested are ignored by event_id, and what the
 *       missing files held is lost, which the log says.
 * </ol>
 *
 * <p>Without a checkpoint the slot is read from its start. Entries are handed out in queue order;
 * {@link #take} never blocks. Not thread-safe (Chronicle tailers are single-threaded objects).
 *
 * <p>CHECKPOINT: the index of the last entry taken, in {@code ingest_checkpoint} ({@link
 * CheckpointStore}), written by the transaction that commits that entry's row. While that
 * transaction runs in the background the reader takes on; its {@link Checkpoint#committed} then
 * moves the stored checkpoint to the entry it was fixed at, not to the last entry taken.
 *
 * <p>DAMAGE. Chronicle's tailer waits for ever at a zero or incomplete header and is sent astray
 * by a damaged length. So the reader switches the slot to {@link SlotSalvage} (reading its files
 * byte by byte after the last entry taken) when:
 *
 * <ul>
 *   <li>an entry does not decode and no document can start where its length says the next one
 *       does (its length is damaged; an entry that merely does not decode goes to the spool as
 *       before);
 *   <li>Chronicle throws while reading;
 *   <li>the tailer has nothing, yet the cycle's store says a writer completed a document at or
 *       past the position where the next header should be ({@code writePosition}, which Chronicle
 *       moves only after a header is complete) and that header is zero or incomplete, or the
 *       header at {@code writePosition} itself is (checked at most once a second, and at once
 *       whenever the tailer first runs dry).
 * </ul>
 *
 * Before switching it retires the slot ({@link SlotRetirement}) and reports the damage once (log
 * and {@link Ingester#damage()}). A slot found retired at open is read by {@link SlotSalvage} from
 * the start.
 */
final class SlotReader implements Source {
  private final String name;
  private final Path dir;
  private final SingleChronicleQueue queue;
  private final ExcerptTailer tailer;
  private final Object identity;
  /** While the tailer stays dry, the store is checked for damage at most this often. */
  private static final long STALL_CHECK_NANOS = 1_000_000_000L;
  /** The stored checkpoint: index of the last committed entry; null before the first commit. */
  private Long checkpoint;
  private long takenIndex;
  /** Entries taken and not yet committed (those of a commit in flight included). */
  private long takenSinceCommit;
  private final Consumer<String> damage;
  private final CycleFiles cycleFiles;
  /** Non-null once the slot is damaged: everything after the last entry taken comes from here. */
  private SlotSalvage salvage;
  /** Where the next document header should be: its cycle and byte offset (-1: not known yet). */
  private int nextCycle;
  private long nextHeader = -1;
  /** When the tailer last ran dry and the store was checked for damage (0: not since the last entry). */
  private long checkedAtNanos;
  /** The cycle whose store and file {@link #damageAhead} keeps open (-1: none). */
  private int checkedCycle = -1;
  private SingleChronicleQueueStore checkedStore;
  private CycleFileReader checkedFile;

  private SlotReader(
      String name, Path dir, SingleChronicleQueue queue, Object identity, Long checkpoint, Consumer<String> damage) {
    this.name = name;
    this.dir = dir;
    this.queue = queue;
    this.identity = identity;
    this.checkpoint = checkpoint;
    this.damage = damage;
    this.cycleFiles = new CycleFiles(queue.rollCycle());
    this.tailer = queue.createTailer();
  }

  /**
   * Opens the slot queue in {@code dir} and positions it after {@code checkpoint} (null: from the
   * start).
   *
   * @throws NoSuchFileException {@code dir} is gone (removed since it was listed)
   */
  static SlotReader open(String name, Path dir, Long checkpoint, boolean skipMissing, Predicate<byte[]> committed,
      Consumer<String> log, Consumer<String> damage) throws CheckpointMissingException, IOException {
    Object identity = identity(dir);
    if (identity == null) {
      throw new NoSuchFileException(dir.toString(), null, "the slot directory went away while it was being opened");
    }
    SlotReader reader = new SlotReader(name, dir, ChronicleSettings.openForReading(dir), identity, checkpoint, damage);
    try {
      String retired = SlotRetirement.reason(dir);
      if (retired != null) {
        log.accept(name + ": retired (" + retired + "); reading what is left of it byte by byte");
        reader.salvage = new SlotSalvage(dir, checkpoint, reader.queue.rollCycle(), damage);
        reader.tailer.close();
      } else if (checkpoint == null) {
        reader.tailer.toStart();
      } else {
        reader.positionAfter(checkpoint, skipMissing, committed, log);
      }
      return reader;
    } catch (CheckpointMissingException | IOException | RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  private void positionAfter(long checkpoint, boolean skipMissing, Predicate<byte[]> committed, Consumer<String> log)
      throws CheckpointMissingException {
    boolean otherEntry = false;
    if (tailer.moveToIndex(checkpoint)) {
      try (DocumentContext dc = tailer.readingDocument()) {
        if (dc.isPresent() && dc.index() == checkpoint) {
          Bytes<?> bytes = dc.wire().bytes();
          noteRead(dc.index(), bytes);
          byte[] entry = new byte[(int) bytes.readRemaining()];
          bytes.read(entry);
          if (committed.test(entry)) {
            return;
          }
          otherEntry = true;
        }
      }
    }
    RollCycle rollCycle = queue.rollCycle();
    int cycle = rollCycle.toCycle(checkpoint);
    long sequence = rollCycle.toSequenceNumber(checkpoint);
    boolean cycleGone = !Files.exists(new CycleFiles(rollCycle).fileOf(dir, cycle));
    String where =
        name + ": the checkpoint (index 0x" + Long.toHexString(checkpoint) + ", entry " + sequence
            + " of cycle " + cycle + ") is not in the queue: "
            + (cycleGone ? "its cycle file is gone"
                : otherEntry ? "the entry there is not the one committed (queue replaced)"
                : "the cycle file has no such entry (queue replaced?)");
    if (!skipMissing) {
      throw new CheckpointMissingException(
          where + ". Entries after it may be lost; restart with --skip-missing to continue from the"
              + " first entry still in " + dir);
    }
    queue.refreshDirectoryListing();
    tailer.toStart();
    log.accept(
        where + "; skipping ahead (--skip-missing) to the first entry still in the slot (index 0x"
            + Long.toHexString(queue.firstIndex()) + "). Skipped: the entries after entry " + sequence
            + " of cycle " + cycle + " up to cycle " + queue.firstCycle()
            + " that were in missing files; their number is unknown (the files are gone).");
  }

  @Override
  public int take(Batch batch, int room) throws IOException {
    int taken = 0;
    PendingEntry entry;
    while (taken < room && !batch.full() && (entry = next()) != null) {
      batch.add(entry);
      takenIndex = entry.position;
      takenSinceCommit++;
      taken++;
    }
    return taken;
  }

  @Override
  public Checkpoint pendingCheckpoint() {
    long index = takenIndex;
    long count = takenSinceCommit;
    if (count == 0) {
      return Checkpoint.NONE;
    }
    return new Checkpoint() {
      @Override
      public void save(CheckpointStore store, Instant now) throws SQLException {
        store.save(name, index, count, now);
      }

      @Override
      public void committed() {
        checkpoint = index;
        takenSinceCommit -= count;
      }
    };
  }

  /** The index of the last committed entry; null while nothing from this slot is committed. */
  Long checkpoint() {
    return checkpoint;
  }

  @Override
  public String origin(long index) {
    return origin(Long.valueOf(index));
  }

  private String origin(Long index) {
    return index == null ? name + " before its first entry" : name + " index 0x" + Long.toHexString(index);
  }

  /** The next entry, or null when the slot has nothing more for now. */
  private PendingEntry next() throws IOException {
    if (salvage != null) {
      return salvaged();
    }
    long index = -1;
    byte[] raw = null;
    long end = 0;
    try (DocumentContext dc = tailer.readingDocument()) {
      if (dc.isPresent()) {
        index = dc.index();
        Bytes<?> bytes = dc.wire().bytes();
        end = bytes.readLimit();
        raw = new byte[(int) bytes.readRemaining()];
        bytes.read(raw);
      }
    } catch (RuntimeException | AssertionError | InternalError e) {
      return damaged("Chronicle cannot read past the entry after " + origin(lastTaken()) + ": " + e);
    }
    if (raw == null) {
      String found = damageAhead();
      return found == null ? null : damaged(found);
    }
    try {
      PendingEntry entry = PendingEntry.decoded(this, index, EnvelopeCodec.decode(raw), raw.length);
      noteRead(index, end);
      return entry;
    } catch (InvalidEventException e) {
      int cycle = queue.rollCycle().toCycle(index);
      try (CycleFileReader file = new CycleFileReader(cycleFiles.fileOf(dir, cycle), line -> {})) {
        if (!file.boundary(CycleFileReader.align4(end))) {
          return damaged(origin(index) + " does not decode (" + e.getMessage() + ") and no document starts where"
              + " its length says the next one does: its length or bytes are damaged");
        }
      }
      noteRead(index, end);
      return PendingEntry.undecodable(this, index, raw, e.getMessage());
    }
  }

  private void noteRead(long index, Bytes<?> bytes) {
    noteRead(index, bytes.readLimit());
  }

  /** Records where the document after {@code index} (which ended at byte {@code end}) begins. */
  private void noteRead(long index, long end) {
    nextCycle = queue.rollCycle().toCycle(index);
    nextHeader = CycleFileReader.align4(end);
    checkedAtNanos = 0;
    if (checkedCycle >= 0 && checkedCycle != nextCycle) {
      unwatch();
    }
  }

  /** The index of the last entry taken (committed or not), or null when none. */
  private Long lastTaken() {
    return takenSinceCommit > 0 ? Long.valueOf(takenIndex) : checkpoint;
  }

  /**
   * The damage that stops the tailer, or null when it simply has nothing yet (see DAMAGE in the
   * class comment). At most once a second while the tailer stays dry.
   */
  private String damageAhead() throws IOException {
    long now = System.nanoTime();
    if (checkedAtNanos != 0 && now - checkedAtNanos < STALL_CHECK_NANOS) {
      return null;
    }
    checkedAtNanos = now;
    if (moved()) {
      unwatch();
      return null;
    }
    int cycle = nextHeader >= 0 ? nextCycle : queue.firstCycle();
    if (cycle < 0 || cycle == Integer.MAX_VALUE) {
      return null;
    }
    long at = nextHeader;
    while (true) {
      if (cycle != checkedCycle && !watch(cycle)) {
        return null;
      }
      long written = checkedStore.writePosition();
      CycleFileReader reader = checkedFile;
      if (at < 0) {
        at = reader.firstDataPosition();
      }
      int header = reader.intAt(at);
      if (header == CycleFileReader.END_OF_DATA) {
        // The tailer moved on to the next cycle: look where its first entry should be.
        int next = nextCycleAfter(cycle);
        if (next < 0) {
          return null;
        }
        cycle = next;
        at = -1;
        continue;
      }
      boolean sound = header != 0 && (header & CycleFileReader.NOT_COMPLETE) == 0;
      if (written >= at && !sound) {
        return reader.where(at) + ": the header where the next entry starts is "
            + (header == 0 ? "zero" : "marked incomplete (0x" + Integer.toHexString(header) + ")")
            + " but the writer completed entries up to byte " + written + " after it; Chronicle cannot read past it,"
            + " and what the salvage cannot read between the two is lost";
      }
      int last = reader.intAt(written);
      if (written > 0 && written < at && (last == 0 || (last & CycleFileReader.NOT_COMPLETE) != 0)) {
        return reader.where(written) + ": the last entry the writer completed has a "
            + (last == 0 ? "zero" : "damaged") + " header";
      }
      return null;
    }
  }

  /** The first cycle after {@code cycle} that has a file, or -1. */
  private int nextCycleAfter(int cycle) {
    try {
      int next = queue.nextCycle(cycle, TailerDirection.FORWARD);
      return next > cycle ? next : -1;
    } catch (ParseException e) {
      return -1;
    }
  }

  /**
   * Keeps {@code cycle}'s store and file open for {@link #damageAhead}, so a check costs a few
   * positional reads, not a store acquisition (the check runs each time the tailer runs dry after
   * reading). False when the cycle has no file or store yet.
   */
  private boolean watch(int cycle) throws IOException {
    unwatch();
    Path file = cycleFiles.fileOf(dir, cycle);
    if (!Files.exists(file)) {
      return false;
    }
    SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
    if (store == null) {
      return false;
    }
    try {
      checkedFile = new CycleFileReader(file, line -> {});
    } catch (IOException e) {
      queue.closeStore(store);
      throw e;
    }
    checkedStore = store;
    checkedCycle = cycle;
    return true;
  }

  /** Lets go of the watched cycle (the tailer moved on, or the reader closes). */
  private void unwatch() {
    if (checkedStore != null) {
      queue.closeStore(checkedStore);
      checkedStore = null;
    }
    if (checkedFile != null) {
      try {
        checkedFile.close();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } finally {
        checkedFile = null;
      }
    }
    checkedCycle = -1;
  }

  /**
   * The tailer met {@code reason}: salvage, unless the directory was moved away meanwhile. Then
   * the files at {@link #dir} are not the ones the tailer reads (it keeps the moved directory's
   * mapped file), so neither the damage nor the position after the last entry taken means
   * anything there: salvaging would skip the new directory's first entries and retire a sound
   * slot. Nothing is taken until {@link SlotDiscovery} opens the slot again.
   */
  private PendingEntry damaged(String reason) throws IOException {
    return moved() ? null : startSalvage(reason);
  }

  /** Retires the slot for {@code reason}, reports it, and reads on from the salvage. */
  private PendingEntry startSalvage(String reason) throws IOException {
    String line = name + ": damaged: " + reason + ". Retired " + dir.getFileName()
        + " (writers use another slot) and salvaging what follows the last entry taken";
    damage.accept(line);
    SlotRetirement.retire(dir, reason);
    salvage = new SlotSalvage(dir, lastTaken(), queue.rollCycle(), damage);
    unwatch();
    tailer.close();
    return salvaged();
  }

  private PendingEntry salvaged() throws IOException {
    CycleFileReader.Item item = salvage.next();
    if (item == null) {
      return null;
    }
    long index = salvage.index(item);
    if (item.envelope() == null) {
      return PendingEntry.undecodable(this, index, item.raw(), item.reason());
    }
    if (item.damaged()) {
      damage.accept(name + ": " + item.reason());
    }
    return PendingEntry.decoded(this, index, item.envelope(), item.bytes());
  }

  /**
   * Whether {@code dir} is now another directory than the one this reader opened (removed and
   * created again, or a removed one restored): its entries are then not the ones this reader and
   * its checkpoint index refer to. False while the directory is simply missing.
   */
  boolean replaced() {
    Object now = identity(dir);
    return now != null && !now.equals(identity);
  }

  /** Whether {@code dir} is missing or another directory than the one this reader opened. */
  private boolean moved() {
    return !identity.equals(identity(dir));
  }

  /** The directory's file key (device and inode), or null when it is missing. */
  private static Object identity(Path dir) {
    try {
      return Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Makes the calling thread the tailer's one user. {@link Ingester#open} positions readers on the
   * caller's thread and {@code metadb ingest} runs the loop on another; Chronicle's tailers are
   * single-threaded objects that otherwise refuse the second thread (ThreadingIllegalStateException).
   */
  void adoptByCurrentThread() {
    tailer.singleThreadedCheckReset();
  }

  /** {@code slot-NN}, the key of its checkpoint row. */
  @Override
  public String name() {
    return name;
  }

  Path dir() {
    return dir;
  }

  SingleChronicleQueue queue() {
    return queue;
  }

  @Override
  public void close() {
    try {
      unwatch();
      tailer.close();
      if (salvage != null) {
        salvage.close();
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      queue.close();
    }
  }
}
