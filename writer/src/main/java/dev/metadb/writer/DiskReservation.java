package dev.metadb.writer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * <p>NEW FILES. Chronicle also creates its files sparse and writes their first header through the
 * map, so on a full disk the very first append of a cycle (or the open of a new slot's metadata
 * file) faults before any entry is written, and when the fault lands in VM code rather than in
 * compiled Java the JVM dies with SIGBUS instead of throwing. So those files are made here first
 * ({@link #precreate}, {@link #prepareCycle}): zeros, which is exactly what Chronicle reads in a
 * fresh sparse file, written under a temporary name and hard-linked into place only when complete.
 * A full disk fails that plain write with an IOException; no reader ever sees a partial file; a
 * file that already exists is never touched.
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
  /** Temporary files of {@link #precreate}: only the slot's owner makes them, so any it finds are stale. */
  static final String PRECREATE_PREFIX = ".precreate-";
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect((int) CHUNK).asReadOnlyBuffer();

  private final Path dir;
  private final CycleFiles cycleFiles;
  private int cycle = Integer.MIN_VALUE;
  private volatile int preparedCycle = Integer.MIN_VALUE;
  private FileChannel file;
  private long reservedUntil;

  DiskReservation(Path dir, RollCycle rollCycle) {
    this.dir = dir;
    this.cycleFiles = new CycleFiles(rollCycle);
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

  /**
   * Makes sure the cycle file of {@code cycle} exists with its first entries' blocks allocated,
   * before Chronicle's appender creates it sparse. Called before each append, outside Chronicle's
   * lock: a volatile read once the cycle is prepared. (An append that crosses into the next cycle
   * between this call and Chronicle's own cycle check finds the file unprepared: a window of the
   * length of one call, once a day.)
   */
  void prepareCycle(int cycle) throws IOException {
    if (cycle == preparedCycle) {
      return;
    }
    synchronized (this) {
      if (cycle != preparedCycle) {
        precreate(cycleFiles.fileOf(dir, cycle), CHUNK + HEADROOM);
        preparedCycle = cycle;
      }
    }
  }

  /**
   * Creates {@code file} as {@code bytes} zero bytes with real disk blocks, unless it exists; see
   * NEW FILES. Where the filesystem has no hard links, leaves the file to Chronicle (unprotected).
   */
  static void precreate(Path file, long bytes) throws IOException {
    if (Files.exists(file)) {
      return;
    }
    Path tmp = file.resolveSibling(PRECREATE_PREFIX + file.getFileName() + "." + Thread.currentThread().getId());
    try {
      try (FileChannel out =
          PrivateFiles.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
        for (long at = 0; at < bytes; ) {
          ByteBuffer zeros = ZEROS.duplicate();
          zeros.limit((int) Math.min(CHUNK, bytes - at));
          at += out.write(zeros, at);
        }
      }
      Files.createLink(file, tmp);
    } catch (FileAlreadyExistsException madeMeanwhile) {
      // Another thread of this process, or Chronicle itself, made it first: theirs stands.
    } catch (UnsupportedOperationException noHardLinks) {
      // Leave the file to Chronicle, as without this class.
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Deletes {@link #precreate}'s temporary files left in {@code slotDir} by a process that died. */
  static void removeStalePrecreated(Path slotDir) throws IOException {
    try (DirectoryStream<Path> stale = Files.newDirectoryStream(slotDir, PRECREATE_PREFIX + "*")) {
      for (Path p : stale) {
        Files.deleteIfExists(p);
      }
    }
  }

  private void switchTo(int newCycle) throws IOException {
    close();
    Path cycleFile = cycleFiles.fileOf(dir, newCycle);
    file = PrivateFiles.open(cycleFile, StandardOpenOption.WRITE);
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
