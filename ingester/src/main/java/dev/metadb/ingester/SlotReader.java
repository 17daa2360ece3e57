package dev.metadb.ingester;

import dev.metadb.ingester.CheckpointStore;

import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.InvalidEventException;
import dev.metadb.writer.ChronicleSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.SQLException;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.Predicate;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
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
 * CheckpointStore}), written by the transaction that commits that entry's row.
 */
final class SlotReader implements Source {
  private final String name;
  private final Path dir;
  private final SingleChronicleQueue queue;
  private final ExcerptTailer tailer;
  private final Object identity;
  /** The stored checkpoint: index of the last committed entry; null before the first commit. */
  private Long checkpoint;
  private long takenIndex;
  private long takenSinceCommit;

  private SlotReader(String name, Path dir, SingleChronicleQueue queue, Object identity, Long checkpoint) {
    this.name = name;
    this.dir = dir;
    this.queue = queue;
    this.identity = identity;
    this.checkpoint = checkpoint;
    this.tailer = queue.createTailer();
  }

  /**
   * Opens the slot queue in {@code dir} and positions it after {@code checkpoint} (null: from the
   * start).
   */
  static SlotReader open(
      String name, Path dir, Long checkpoint, boolean skipMissing, Predicate<byte[]> committed, Consumer<String> log)
      throws CheckpointMissingException {
    Object identity = identity(dir);
    SlotReader reader = new SlotReader(name, dir, ChronicleSettings.openForReading(dir), identity, checkpoint);
    try {
      if (checkpoint == null) {
        reader.tailer.toStart();
      } else {
        reader.positionAfter(checkpoint, skipMissing, committed, log);
      }
      return reader;
    } catch (CheckpointMissingException | RuntimeException e) {
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
  public int take(Batch batch, int room) {
    int taken = 0;
    PendingEntry entry;
    while (taken < room && (entry = next()) != null) {
      batch.add(entry);
      takenIndex = entry.position;
      takenSinceCommit++;
      taken++;
    }
    return taken;
  }

  @Override
  public void saveCheckpoint(CheckpointStore store, Instant now) throws SQLException {
    if (takenSinceCommit > 0) {
      store.save(name, takenIndex, takenSinceCommit, now);
    }
  }

  @Override
  public void committed() {
    if (takenSinceCommit > 0) {
      checkpoint = takenIndex;
      takenSinceCommit = 0;
    }
  }

  /** The index of the last committed entry; null while nothing from this slot is committed. */
  Long checkpoint() {
    return checkpoint;
  }

  @Override
  public String origin(long index) {
    return name + " index 0x" + Long.toHexString(index);
  }

  /** The next entry, or null when the slot has nothing more for now. */
  private PendingEntry next() {
    long index;
    byte[] raw;
    try (DocumentContext dc = tailer.readingDocument()) {
      if (!dc.isPresent()) {
        return null;
      }
      index = dc.index();
      Bytes<?> bytes = dc.wire().bytes();
      raw = new byte[(int) bytes.readRemaining()];
      bytes.read(raw);
    }
    try {
      return PendingEntry.decoded(this, index, EnvelopeCodec.decode(raw));
    } catch (InvalidEventException e) {
      return PendingEntry.undecodable(this, index, raw, e.getMessage());
    }
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
      tailer.close();
    } finally {
      queue.close();
    }
  }
}
