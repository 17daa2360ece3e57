package dev.metadb.ingester;

import dev.metadb.writer.Home;
import dev.metadb.writer.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One ingester per home: an exclusive OS lock on {@code <home>/ingest.lock}, whose content is the
 * holder's pid as text.
 *
 * <p>The kernel releases the lock when the holder dies, kill -9 included, so a stale lock file
 * never blocks a restart; the pid in it is only for messages. {@code status} probes with a shared
 * lock for an instant, so {@link #acquire} retries for {@link #ACQUIRE_PATIENCE_MILLIS} before
 * concluding another ingester runs.
 */
public final class IngestLock implements AutoCloseable {
  static final long ACQUIRE_PATIENCE_MILLIS = 500;

  private final FileChannel channel;
  private final FileLock lock;

  private IngestLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the home's ingest lock and writes this pid into it. */
  public static IngestLock acquire(Home home) throws IOException, AnotherIngesterException {
    Path file = home.ingestLock();
    home.prepare();
    FileChannel channel =
        PrivateFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACQUIRE_PATIENCE_MILLIS);
      FileLock lock = null;
      while (lock == null) {
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          throw new AnotherIngesterException(ProcessHandle.current().pid());
        }
        if (lock == null) {
          if (System.nanoTime() > deadline) {
            throw new AnotherIngesterException(readPid(file).orElse(-1));
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
      }
      PrivateFiles.writePid(channel);
      channel.force(false);
      return new IngestLock(channel, lock);
    } catch (IOException | AnotherIngesterException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * The pid of the ingester holding {@code home}'s lock, or empty when none does. Takes a shared
   * lock for an instant to find out.
   */
  public static OptionalLong holder(Home home) throws IOException {
    Path file = home.ingestLock();
    if (!Files.exists(file)) {
      return OptionalLong.empty();
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      FileLock probe;
      try {
        probe = channel.tryLock(0, Long.MAX_VALUE, true);
      } catch (OverlappingFileLockException e) {
        return OptionalLong.of(ProcessHandle.current().pid());
      }
      if (probe != null) {
        probe.release();
        return OptionalLong.empty();
      }
      OptionalLong pid = readPid(file);
      return pid.isPresent() ? pid : OptionalLong.of(-1);
    }
  }

  private static OptionalLong readPid(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Releases the lock; the file stays (its content is only meaningful while locked). */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
