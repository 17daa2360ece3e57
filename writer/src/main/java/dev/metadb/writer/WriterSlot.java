package dev.metadb.writer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.TableStoreWriteLock;
import net.openhft.chronicle.threads.BusyTimedPauser;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * A writer slot this process owns: {@code queue/slot-NN/} and the OS lock on {@code slot-NN.lock}.
 *
 * <p>INVARIANTS
 *
 * <ol>
 *   <li>Only the holder of the exclusive OS lock on {@code slot-NN.lock} appends to {@code
 *       slot-NN/}. The kernel drops the lock when the process dies (kill -9 included) in any PID
 *       namespace, so no two live processes ever append to one queue.
 *   <li>Hence, on claiming, any Chronicle write/append lock found set in the slot belongs to a dead
 *       process (whatever PID it names: in another PID namespace that PID may look alive) and is
 *       cleared at once, instead of waiting out Chronicle's 15 s timeout.
 *   <li>Threads of this process share the slot, one Chronicle appender each (appenders are
 *       single-threaded objects); Chronicle's own lock orders them, bounded by the queue's
 *       {@code timeoutMS}.
 *   <li>A document that throws while being written is rolled back ({@code rollbackOnClose}), so a
 *       failed append leaves no partial entry for the ingester.
 *   <li>Disk blocks under an entry, and under the first pages of every file Chronicle creates, are
 *       allocated before Chronicle's memory map touches them ({@link DiskReservation}), and a slot
 *       is not opened on a filesystem with less than {@link #MIN_FREE_BYTES} free: a full disk
 *       fails the append, it never SIGBUSes the JVM.
 *   <li>Only the directory this slot opened holds this claim's owner mark (an empty file named
 *       for the pid and the claim time). After each append {@link #intact()} checks the mark: if
 *       the directory was removed, replaced by a file, or removed and created again by another
 *       writer, the mark is not there, and the event is spooled instead of reported QUEUED.
 *   <li>A slot whose lock path holds anything but a regular file, or whose queue path anything but
 *       a directory (a symbolic link included), is skipped and the next slot tried: one stray
 *       entry never disables the queue. Lock files are opened without following links and never
 *       truncated ({@link PrivateFiles}).
 *   <li>A slot whose directory holds {@link Home#SLOT_RETIRED} (the ingester found it damaged) is
 *       never claimed: nothing is appended behind damage. The mark is checked again after this
 *       claim's owner mark exists, and the ingester writes the mark before deleting owner marks,
 *       so a claim racing a retirement either sees the mark or loses its owner mark (and then
 *       spools, invariant 6).
 *   <li>The queue's cycle never goes back ({@link ForwardClock}): a wall clock stepped back
 *       cannot send appends into an older day's file that the ingester has already passed.
 * </ol>
 */
final class WriterSlot implements AutoCloseable {
  /** Opening a queue maps its metadata and first cycle file: refuse below this much free space. */
  static final long MIN_FREE_BYTES = 1024 * 1024;
  /** The size Chronicle gives a queue's metadata.cq4t (made ahead of it: {@link DiskReservation}). */
  static final long METADATA_BYTES = 128 * 1024;

  static final String OWNER_MARK_PREFIX = "owner-";
  /** Stray entries already reported by this process (invariant 7). */
  private static final Set<Path> REPORTED_STRAYS = ConcurrentHashMap.newKeySet();

  private final int number;
  private final Path dir;
  /** This claim's owner mark inside the slot directory: see {@link #intact()}. */
  private final Path ownerMark;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final SingleChronicleQueue queue;
  private final ThreadLocal<ExcerptAppender> appender;
  private final DiskReservation reservation;
  private final List<ExcerptAppender> appenders = new ArrayList<>();

  private WriterSlot(int number, Path dir, Path ownerMark, FileChannel lockChannel, FileLock lock, SingleChronicleQueue queue) {
    this.number = number;
    this.dir = dir;
    this.ownerMark = ownerMark;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.queue = queue;
    this.appender = ThreadLocal.withInitial(this::newAppender);
    this.reservation = new DiskReservation(dir, queue.rollCycle());
  }

  /**
   * Claims the lowest free slot, waiting up to {@code config.claimTimeout()} when all {@code
   * maxSlots} are held. Throws when none could be claimed or the queue cannot be opened.
   */
  static WriterSlot claim(Home home, WriterConfig config) throws IOException {
    Path queueDir = Home.createPrivateDirectories(home.queueDir());
    long deadline = System.nanoTime() + config.claimTimeout().toNanos();
    long pause = 1_000_000;
    while (true) {
      for (int n = 0; n < config.maxSlots(); n++) {
        if (stray(home, n) || retired(home, n)) {
          continue;
        }
        WriterSlot slot = tryClaim(home, n, config);
        if (slot != null) {
          return slot;
        }
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new IOException(
            "all " + config.maxSlots() + " writer slots in " + queueDir + " are held by live processes");
      }
      LockSupport.parkNanos(pause);
      pause = Math.min(pause * 2, 50_000_000);
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for a writer slot");
      }
    }
  }

  /**
   * Invariant 7: whether something other than a lock file sits at the slot's lock path, or other
   * than a directory at its queue path (a directory, a symbolic link, a FIFO). Such a slot is
   * skipped and the entry reported on stderr once per process; it is never removed or followed.
   */
  private static boolean stray(Home home, int n) {
    String problem = strayProblem(home.slotLock(n), false);
    Path at = home.slotLock(n);
    if (problem == null) {
      at = home.slotDir(n);
      problem = strayProblem(at, true);
    }
    if (problem == null) {
      return false;
    }
    if (REPORTED_STRAYS.add(at)) {
      System.err.println("metadb: " + at + " " + problem + "; skipping writer slot " + n + " (remove it to use that slot again)");
    }
    return true;
  }

  /** Invariant 8: the ingester retired this slot; silently skipped (the ingester reports it). */
  private static boolean retired(Home home, int n) {
    return Files.exists(home.slotDir(n).resolve(Home.SLOT_RETIRED), LinkOption.NOFOLLOW_LINKS);
  }

  private static String strayProblem(Path path, boolean directory) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException absent) {
      return null;
    }
    if (a.isSymbolicLink()) {
      return "is a symbolic link, which metadb never follows";
    }
    if (directory ? a.isDirectory() : a.isRegularFile()) {
      return null;
    }
    return directory ? "is not a directory" : "is not a regular file";
  }

  private static WriterSlot tryClaim(Home home, int n, WriterConfig config) throws IOException {
    FileChannel channel =
        PrivateFiles.open(home.slotLock(n), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very process (another MetaDb home handle): not free
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      return null;
    }
    try {
      PrivateFiles.writePid(channel);
      Path dir = Home.createPrivateDirectories(home.slotDir(n));
      long free = Files.getFileStore(dir).getUsableSpace();
      if (free < MIN_FREE_BYTES) {
        throw new IOException("no space left for the queue in " + dir + " (" + free + " bytes free)");
      }
      DiskReservation.removeStalePrecreated(dir);
      DiskReservation.precreate(dir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE), METADATA_BYTES);
      Path mark = markOwner(dir);
      if (retired(home, n)) {
        Files.deleteIfExists(mark);
        lock.release();
        channel.close();
        return null;
      }
      ForwardClock clock = new ForwardClock();
      SingleChronicleQueue queue =
          ChronicleSettings.builder(dir, config.appendTimeout().toMillis()).timeProvider(clock).build();
      int newest = queue.lastCycle();
      if (newest >= 0) {
        clock.notBefore((long) newest * queue.rollCycle().lengthInMillis());
      }
      clearDeadHoldersLocks(queue);
      return new WriterSlot(n, dir, mark, channel, lock, queue);
    } catch (Throwable t) {
      try {
        lock.release();
        channel.close();
      } catch (IOException e) {
        t.addSuppressed(e);
      }
      throw t instanceof IOException io ? io : new IOException("cannot open queue " + home.slotDir(n) + ": " + t, t);
    }
  }

  /**
   * Invariant 6: creates this claim's owner mark, {@code owner-<pid>-<nanos>}, in the slot
   * directory, after deleting the marks of earlier owners (we hold the slot: they are dead, or
   * closed without cleaning up).
   */
  private static Path markOwner(Path dir) throws IOException {
    try (var old = Files.newDirectoryStream(dir, OWNER_MARK_PREFIX + "*")) {
      for (Path mark : old) {
        Files.deleteIfExists(mark);
      }
    }
    return Files.createFile(
        dir.resolve(OWNER_MARK_PREFIX + ProcessHandle.current().pid() + "-" + Long.toHexString(System.nanoTime())),
        PrivateFiles.FILE_MODE);
  }

  /** Invariant 2: we hold the slot, so whoever holds Chronicle's locks in it is dead. */
  private static void clearDeadHoldersLocks(SingleChronicleQueue queue) {
    try (TableStoreWriteLock write = new TableStoreWriteLock(queue.metaStore(), BusyTimedPauser::new, 0L);
        TableStoreWriteLock append =
            new TableStoreWriteLock(queue.metaStore(), BusyTimedPauser::new, 0L, TableStoreWriteLock.APPEND_LOCK_KEY)) {
      if (write.locked()) {
        write.forceUnlock();
      }
      if (append.locked()) {
        append.forceUnlock();
      }
    }
  }

  private ExcerptAppender newAppender() {
    ExcerptAppender a = queue.createAppender();
    synchronized (appenders) {
      appenders.add(a);
    }
    return a;
  }

  /**
   * Appends one entry whose bytes are {@code bytes[0, length)}. Throws whatever Chronicle throws
   * (disk full, mapping failure, lock timeout); the entry is then not in the queue.
   */
  void append(byte[] bytes, int length) throws IOException {
    ExcerptAppender a = appender.get();
    reservation.prepareCycle(queue.cycle());
    try (DocumentContext dc = a.writingDocument()) {
      try {
        Bytes<?> out = dc.wire().bytes();
        long at = out.writePosition();
        reservation.ensure(a.cycle(), at, at + length);
        out.write(bytes, 0, length);
      } catch (Throwable t) {
        dc.rollbackOnClose();
        throw t;
      }
    }
  }

  /**
   * False once the slot's directory is gone (removed, or replaced by a file or by a new directory
   * of the same name that another writer created): appends since went into files the ingester
   * will never read. Checks this claim's owner mark, which only the directory this slot opened
   * holds, so a new {@code slot-NN} does not pass for the old one. One access(2), no allocation: it
   * runs per append.
   */
  boolean intact() {
    // Files.exists (access(2) on the path's cached bytes) rather than File.exists (stat(2), the
    // path converted per call): 0.77x the time, and this one system call is about half of a
    // warm record call's CPU on the 2026-12-03 machine.
    return Files.exists(ownerMark);
  }

  int number() {
    return number;
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() throws IOException {
    Throwable first = null;
    synchronized (appenders) {
      for (ExcerptAppender a : appenders) {
        try {
          a.close();
        } catch (Throwable t) {
          first = keep(first, t);
        }
      }
      appenders.clear();
    }
    try {
      Files.deleteIfExists(ownerMark);
    } catch (Throwable t) {
      first = keep(first, t);
    }
    try {
      reservation.close();
    } catch (Throwable t) {
      first = keep(first, t);
    }
    try {
      queue.close();
    } catch (Throwable t) {
      first = keep(first, t);
    }
    try {
      lock.release();
    } catch (Throwable t) {
      first = keep(first, t);
    }
    try {
      lockChannel.close();
    } catch (Throwable t) {
      first = keep(first, t);
    }
    if (first != null) {
      throw first instanceof IOException io ? io : new IOException("closing writer slot " + number, first);
    }
  }

  private static Throwable keep(Throwable first, Throwable next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
