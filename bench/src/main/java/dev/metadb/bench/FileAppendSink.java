package dev.metadb.bench;

import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.Event;
import dev.metadb.event.EventIds;
import dev.metadb.event.Timestamps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The floor: the same envelope bytes metadb would queue, appended as one line to
 * {@code <home>/events.jsonl} through an {@code O_APPEND} channel. No lock, no index, no fsync:
 * the least a durable-ish write can cost, and what "bare JVM appends one line" means in a running
 * JVM. Thread-safe: a {@link FileChannel} write is atomic with respect to other writes on it.
 */
final class FileAppendSink implements EventSink {
  private final FileChannel channel;
  private final String host = DirectSqliteSink.hostName();
  private final long pid = ProcessHandle.current().pid();

  private FileAppendSink(FileChannel channel) {
    this.channel = channel;
  }

  static FileAppendSink open(Path home) throws IOException {
    Files.createDirectories(home);
    return new FileAppendSink(FileChannel.open(home.resolve("events.jsonl"),
        StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
  }

  @Override
  public WriteOutcome write(Event event) {
    byte[] json = EnvelopeCodec.encode(new Envelope(EventIds.next(), Timestamps.now(), host, pid, event), null);
    ByteBuffer line = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
    try {
      while (line.hasRemaining()) {
        channel.write(line);
      }
      return WriteOutcome.STORED;
    } catch (IOException e) {
      return WriteOutcome.failed(e.toString());
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
