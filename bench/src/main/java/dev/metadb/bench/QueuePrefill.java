package dev.metadb.bench;

import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.SpoolStamp;
import dev.metadb.writer.ChronicleSettings;
import dev.metadb.writer.Home;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Fills writer slot 0 of a home with {@code --count} queue entries, the events
 * {@link EventMix#envelope} numbers 0..count-1, so the ingester drains exactly the rows the raw
 * ceiling inserts. Entries are in the queue entry format every metadb writer uses: one Chronicle
 * document whose bytes are the envelope JSON. Holds the slot's lock while it writes, as a writer
 * does. {@link #spool} writes the same events as a finished spool file, what replay reads.
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

  /**
   * Runs {@code prefill} (this class, or {@link InboxPrefill}, which takes the same arguments) on
   * {@code home} for {@code count} events, in a child JVM with metadb's flags.
   */
  static void fill(BenchContext ctx, Class<?> prefill, Path home, long count) throws IOException, InterruptedException {
    JvmLauncher.runToEnd(ctx.jvm().command(prefill.getName(),
        List.of("--home", home.toString(), "--count", Long.toString(count))), ctx.logFile("prefill"), prefill.getSimpleName());
  }

  /**
   * Writes events 0..count-1 as lines of yesterday's spool file in {@code home}, untouched for an
   * hour: finished, so replay reads it to the end and moves it.
   */
  static void spool(Home home, long count) throws IOException {
    Path spool = home.spoolFile(LocalDate.now(ZoneOffset.UTC).minusDays(1));
    Home.createPrivateDirectories(spool.getParent());
    SpoolStamp stamp = new SpoolStamp(SpoolStamp.WRITER, "benchmark", Instant.parse("2026-11-24T00:00:00Z"));
    long pid = ProcessHandle.current().pid();
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 20)) {
      for (long n = 0; n < count; n++) {
        // encode(..., OutputStream) would close the stream (Jackson's AUTO_CLOSE_TARGET): use arrays
        out.write(EnvelopeCodec.encode(EventMix.envelope(n, pid), stamp));
        out.write('\n');
      }
    }
    Files.setLastModifiedTime(spool, FileTime.from(Instant.now().minusSeconds(3600)));
  }
}
