package dev.metadb.replay;

import dev.metadb.writer.Home;
import dev.metadb.writer.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code <home>/replay.lock}: an exclusive OS lock held for the whole of a (non-dry) run, so one
 * replay at a time moves the ledger, writes quarantine files and moves spool files. The kernel
 * drops it when the process dies, kill -9 included, so a crashed replay never blocks the next.
 * The file holds the holder's pid as text, for the message the next one prints.
 *
 * <p>The ingester does not take it: it and replay only meet in SQLite, where BEGIN IMMEDIATE and
 * the busy timeout order their transactions.
 */
final class ReplayLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private ReplayLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static Path file(Home home) {
    return home.dir().resolve("replay.lock");
  }

  /** Takes the lock without waiting. */
  static ReplayLock acquire(Home home) throws IOException, ReplayBusyException {
    home.prepare();
    Path path = file(home);
    FileChannel channel = PrivateFiles.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new ReplayBusyException(path, holder(channel));
      }
      PrivateFiles.writePid(channel);
      return new ReplayLock(channel, lock);
    } catch (IOException | ReplayBusyException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException second) {
        e.addSuppressed(second);
      }
      throw e;
    }
  }

  private static String holder(FileChannel channel) throws IOException {
    ByteBuffer text = ByteBuffer.allocate(32);
    channel.read(text, 0);
    String pid = new String(text.array(), 0, text.position(), StandardCharsets.US_ASCII).trim();
    return pid.isEmpty() ? "pid unknown" : "pid " + pid;
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } catch (IOException e) {
      try {
        channel.close();
      } catch (IOException second) {
        e.addSuppressed(second);
      }
      throw e;
    }
    channel.close();
  }
}
