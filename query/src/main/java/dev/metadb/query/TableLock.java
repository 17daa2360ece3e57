package dev.metadb.query;

import dev.metadb.writer.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive use of one table's snapshot files: an OS file lock on {@code <snapshots>/<table>.lock}
 * between processes, plus a JVM lock between threads (the OS lock is per process, and Java
 * refuses to take it twice in one JVM).
 *
 * <p>Held while a snapshot is extended and while its files are read into memory, so no reader
 * sees a half-replaced segment and no file is deleted under a reader. It never involves meta.db:
 * query processes wait only for each other here, never for the ingester or it for them.
 */
final class TableLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private final ReentrantLock threadLock;
  private final FileChannel channel;
  private final FileLock fileLock;

  private TableLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
    this.threadLock = threadLock;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  /** Blocks until the lock on {@code file} is held. */
  static TableLock acquire(Path file) throws IOException {
    Path key = file.toAbsolutePath().normalize();
    ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
    threadLock.lock();
    FileChannel channel = null;
    try {
      channel = PrivateFiles.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      return new TableLock(threadLock, channel, channel.lock());
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
