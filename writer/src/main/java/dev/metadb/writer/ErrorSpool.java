package dev.metadb.writer;

import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.SpoolStamp;
import dev.metadb.event.Timestamps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.EnumSet;

/**
 * The JSONL error spool: where an event goes when the queue (writer) or SQLite (ingester) cannot
 * take it. One file per UTC day, {@code <home>/logs/meta-db-errors-YYYY-MM-DD.jsonl}.
 *
 * <p>LINE FORMAT. One envelope per line as {@link EnvelopeCodec} writes it, with a {@code spool}
 * object (stage, reason, at), then {@code \n}. An entry that does not even decode is kept as
 * {@code {"raw_base64":"...","spool":{...}}}: replay quarantines it, but its bytes survive.
 *
 * <p>INVARIANTS
 *
 * <ol>
 *   <li>A line is written by one append on an O_APPEND channel while the writer holds the
 *       JVM-wide {@code IN_PROCESS} lock and an exclusive OS lock on the whole file, so lines from
 *       concurrent threads and processes never interleave. (Java refuses a second OS lock on one
 *       file in one JVM, hence the in-process lock; and since closing any channel of a file drops
 *       the process's OS locks on Linux, the read channel used for the last-byte check is closed
 *       only after the lock is released, still under the in-process lock.)
 *   <li>A line either ends up whole or not at all: if the write fails part way (disk full), the
 *       file is truncated back to its length before the write, under the same lock.
 *   <li>A line always starts at the beginning of a line: if the file does not end in {@code \n}
 *       (a process died mid-write, a hand edit), the line is prefixed with one, so the damaged
 *       fragment stays a line of its own for replay to quarantine.
 * </ol>
 *
 * <p>NOT GUARANTEED: lines are not fsynced; like the queue, an OS crash or power loss can lose
 * what the page cache had not written back. Files are created 0600 in a 0700 directory.
 */
public final class ErrorSpool {
  private static final byte NEWLINE = '\n';

  private static final java.util.concurrent.locks.ReentrantLock IN_PROCESS = new java.util.concurrent.locks.ReentrantLock();

  private final Home home;

  public ErrorSpool(Home home) {
    this.home = home;
  }

  /** Appends one envelope with its stamp to today's spool file; returns the file written. */
  public Path append(Envelope envelope, SpoolStamp stamp) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    EnvelopeCodec.encode(envelope, stamp, line);
    line.write(NEWLINE);
    return appendLine(line.toByteArray());
  }

  /** Appends an entry that could not be decoded, kept byte for byte as base64. */
  public Path appendRaw(byte[] raw, SpoolStamp stamp) throws IOException {
    String json =
        "{\"raw_base64\":\""
            + Base64.getEncoder().encodeToString(raw)
            + "\",\"spool\":{\"stage\":"
            + quote(stamp.stage())
            + ",\"reason\":"
            + quote(stamp.reason())
            + ",\"at\":\""
            + Timestamps.format(stamp.at())
            + "\"}}\n";
    return appendLine(json.getBytes(StandardCharsets.UTF_8));
  }

  private Path appendLine(byte[] line) throws IOException {
    Path file = home.spoolFileToday();
    Home.createPrivateDirectories(file.getParent());
    IN_PROCESS.lock();
    try (FileChannel appender = open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        FileChannel reader = open(file, StandardOpenOption.READ)) {
      try (FileLock ignored = appender.lock()) {
        long before = appender.size();
        ByteBuffer buffer = ByteBuffer.wrap(line);
        if (before > 0 && !endsWithNewline(reader, before)) {
          buffer = ByteBuffer.allocate(line.length + 1).put(NEWLINE).put(line).flip();
        }
        try {
          while (buffer.hasRemaining()) {
            appender.write(buffer);
          }
        } catch (IOException e) {
          try {
            appender.truncate(before);
          } catch (IOException undo) {
            e.addSuppressed(undo);
          }
          throw e;
        }
      }
    } finally {
      IN_PROCESS.unlock();
    }
    return file;
  }

  private static FileChannel open(Path file, StandardOpenOption... mode) throws IOException {
    EnumSet<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE);
    options.addAll(java.util.Arrays.asList(mode));
    return PrivateFiles.open(file, options.toArray(new StandardOpenOption[0]));
  }

  private static boolean endsWithNewline(FileChannel channel, long size) throws IOException {
    ByteBuffer last = ByteBuffer.allocate(1);
    return channel.read(last, size - 1) == 1 && last.get(0) == NEWLINE;
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
