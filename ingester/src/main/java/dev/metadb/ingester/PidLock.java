package dev.metadb.ingester;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * "One process at a time" for a role in the home: an exclusive OS lock on a file whose content is
 * the holder's pid as text ({@link IngestLock} for the ingester, the lake exporter's lock).
 *
 * <p>The kernel releases the lock when the holder dies, kill -9 included, so a stale lock file
 * never blocks a restart; the pid in it is only for messages. {@link #holder} probes with a shared
 * lock for an instant, so {@link #acquire} retries for a short patience before concluding that
 * another process holds it. The file stays after {@link #close}: its content means something only
 * while it is locked.
 */
public final class PidLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private PidLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock on {@code file} (created if missing; its directory must exist) and writes this
   * pid into it, trying for {@code patienceMillis}.
   *
   * @return empty when another process (or another lock in this one) holds it
   */
  public static Optional<PidLock> acquire(Path file, long patienceMillis) throws IOException {
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(patienceMillis);
      FileLock lock = null;
      while (lock == null) {
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          channel.close();
          return Optional.empty();
        }
        if (lock == null) {
          if (System.nanoTime() > deadline) {
            channel.close();
            return Optional.empty();
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
      channel.force(false);
      return Optional.of(new PidLock(channel, lock));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * The pid of the process holding {@code file}'s lock (-1 when its file does not say), or empty
   * when none does. Takes a shared lock for an instant to find out.
   */
  public static OptionalLong holder(Path file) throws IOException {
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
      OptionalLong pid = recordedPid(file);
      return pid.isPresent() ? pid : OptionalLong.of(-1);
    }
  }

  /** The pid written in {@code file}, if it holds one. */
  public static OptionalLong recordedPid(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Releases the lock; the file stays. */
  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
