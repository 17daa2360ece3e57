package dev.metadb.bench;

import dev.metadb.event.EnvelopeCodec;
import dev.metadb.writer.ChronicleSettings;
import dev.metadb.writer.Home;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Fills writer slot 0 of a home with {@code --count} queue entries, the events
 * {@link EventMix#envelope} numbers 0..count-1, so the ingester drains exactly the rows the raw
 * ceiling inserts. Entries are in the queue entry format every metadb writer uses: one Chronicle
 * document whose bytes are the envelope JSON. Holds the slot's lock while it writes, as a writer
 * does.
 *
 * <p>Usage: {@code --home DIR --count N}.
 */
public final class QueuePrefill {
  private QueuePrefill() {}

  public static void main(String[] argv) throws Exception {
    MainArgs args = MainArgs.parse(argv);
    Home home = new Home(args.path("home"));
    long count = args.number("count", 1_000_000);
    long pid = ProcessHandle.current().pid();
    Home.createPrivateDirectories(home.queueDir());
    Path lockFile = home.slotLock(0);
    try (FileChannel lock = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        var held = lock.lock();
        SingleChronicleQueue queue = ChronicleSettings.builder(home.slotDir(0), 10_000).build();
        ExcerptAppender appender = queue.createAppender()) {
      for (long n = 0; n < count; n++) {
        byte[] bytes = EnvelopeCodec.encode(EventMix.envelope(n, pid), null);
        try (DocumentContext dc = appender.writingDocument()) {
          dc.wire().bytes().write(bytes);
        }
      }
    }
    System.exit(0);
  }
}
