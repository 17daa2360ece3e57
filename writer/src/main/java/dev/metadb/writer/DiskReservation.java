package dev.metadb.writer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.openhft.chronicle.queue.RollCycle;

/**
 * Makes sure the disk blocks under the next appends exist before Chronicle writes into them.
 *
 * <p>WHY. Chronicle appends through a memory map over a sparse cycle file. When the filesystem
 * is full, touching an unbacked page raises SIGBUS, which the JVM turns into an asynchronous
 * {@code InternalError} that surfaces later in unrelated code, or kills the JVM (Chronicle-Queue
 * issue 1282). An append must instead fail cleanly, so the event can go to the spool.
 *
 * <p>HOW. Before each entry is written (inside Chronicle's document, so under its write lock),
 * {@link #ensure} checks that the bytes up to the entry's end plus {@link #HEADROOM} are already
 * backed. If not, it backs the next {@link #CHUNK} with an ordinary positional write of zeros
 * through a FileChannel; on a full disk that write fails with an IOException, the document is
 * rolled back and the event spooled.
 *
 * <p>INVARIANTS
 *
 * <ol>
 *   <li>Only whole pages strictly beyond the current write position are written, and Chronicle
 *       has not touched those yet (it fills the file in order: entries, and index arrays
 *       allocated at the write position), so the zeros never overwrite anything.
 *   <li>HEADROOM covers what Chronicle may write after our entry in the same document close (its
 *       next header and an index array), so nothing it writes lands on an unbacked page.
 *   <li>Called only under Chronicle's write lock; the lock's CAS orders {@code reservedUntil}
 *       between the threads of this process, and no other process writes this slot.
 * </ol>
 */
final class DiskReservation implements AutoCloseable {
  static final long PAGE = 4096;
  static final long HEADROOM = 256 * 1024;
  static final long CHUNK = 1024 * 1024;
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect((int) CHUNK).asReadOnlyBuffer();

  private final Path dir;
  private final RollCycle rollCycle;
  private final DateTimeFormatter fileNames;
  private int cycle = Integer.MIN_VALUE;
  private FileChannel file;
  private long reservedUntil;

  DiskReservation(Path dir, RollCycle rollCycle) {
    this.dir = dir;
    this.rollCycle = rollCycle;
    this.fileNames = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
  }

  /** Backs the cycle file of {@code cycle} up to at least {@code end + HEADROOM}. */
  void ensure(int cycle, long writePosition, long end) throws IOException {
    if (cycle != this.cycle) {
      switchTo(cycle);
    }
    if (end + HEADROOM <= reservedUntil) {
      return;
    }
    long from = Math.max(reservedUntil, roundUp(writePosition));
    long to = roundUp(end + HEADROOM + CHUNK);
    for (long at = from; at < to; ) {
      ByteBuffer zeros = ZEROS.duplicate();
      zeros.limit((int) Math.min(CHUNK, to - at));
      at += file.write(zeros, at);
    }
    reservedUntil = to;
  }

  private void switchTo(int newCycle) throws IOException {
    close();
    long startMillis = (long) newCycle * rollCycle.lengthInMillis();
    Path cycleFile = dir.resolve(fileNames.format(Instant.ofEpochMilli(startMillis)) + ".cq4");
    file = FileChannel.open(cycleFile, StandardOpenOption.WRITE);
    cycle = newCycle;
    reservedUntil = 0;
  }

  private static long roundUp(long position) {
    return (position + PAGE - 1) / PAGE * PAGE;
  }

  @Override
  public void close() throws IOException {
    if (file != null) {
      FileChannel f = file;
      file = null;
      cycle = Integer.MIN_VALUE;
      f.close();
    }
  }
}
