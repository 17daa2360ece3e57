package dev.metadb.query;

import dev.metadb.writer.PrivateFiles;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive use of one table's snapshot files: an OS file lock on {@code <snapshots>/<table>.lock}
 * between processes, plus a JVM lock between threads (the OS lock is per process, and Java
 * refuses to take it twice in one JVM).
 *
 * <p>Held while a snapshot is extended and while its files are read into memory, so no reader
 * sees a half-replaced segment and no file is deleted under a reader. It never involves meta.db:
 * query processes wait only for each other here, never for the ingester or it for them.
 *
 * <p>The wait is bounded ({@link #PATIENCE}): a holder can be suspended (SIGSTOP, a debugger, a
 * laptop lid) with the lock held. Past the bound {@link #acquire} throws, saying what it waited
 * for and who holds it, and the query reads meta.db directly instead of the shared snapshot.
 */
final class TableLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
  /** How long a query waits for another to finish with a table's snapshot. */
  static final Duration PATIENCE = Duration.ofSeconds(10);

  private final ReentrantLock threadLock;
  private final FileChannel channel;
  private final FileLock fileLock;

  private TableLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
    this.threadLock = threadLock;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  /**
   * Waits up to {@link #PATIENCE} for the lock on {@code file}.
   *
   * @throws IOException when it is still held after that, naming the file and the holder's pid
   */
  static TableLock acquire(Path file) throws IOException {
    Path key = file.toAbsolutePath().normalize();
    ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    try {
      if (!threadLock.tryLock(PATIENCE.toNanos(), TimeUnit.NANOSECONDS)) {
        throw stillHeld(key, "another thread of this process");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + key);
    }
    FileChannel channel = null;
    try {
      channel = PrivateFiles.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock fileLock;
      long pause = 1;
      while ((fileLock = channel.tryLock()) == null) {
        if (System.nanoTime() - deadline >= 0) {
          throw stillHeld(key, holder(channel));
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pause));
        pause = Math.min(pause * 2, 50);
      }
      PrivateFiles.writePid(channel);
      return new TableLock(threadLock, channel, fileLock);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      threadLock.unlock();
      throw e;
    }
  }

  private static IOException stillHeld(Path file, String holder) {
    return new IOException("waited " + PATIENCE.toSeconds() + " s for " + file + ", held by " + holder
        + " (a query that is suspended or still running)");
  }

  private static String holder(FileChannel channel) throws IOException {
    ByteBuffer text = ByteBuffer.allocate(32);
    channel.read(text, 0);
    String pid = new String(text.array(), 0, text.position(), StandardCharsets.US_ASCII).trim();
    return pid.isEmpty() ? "another process" : "pid " + pid;
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    try {
      fileLock.release();
    } catch (IOException e) {
      failure = e;
    }
    try {
      channel.close();
    } catch (IOException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    threadLock.unlock();
    if (failure != null) {
      throw failure;
    }
  }
}
