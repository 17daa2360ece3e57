package dev.metadb.bench;

import dev.metadb.event.EnvelopeCodec;
import dev.metadb.writer.Home;
import dev.metadb.writer.Inbox;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Fills one inbox file of a home ({@code inbox/bench-DATE.jsonl}) with {@code --count} records,
 * the events {@link EventMix#envelope} numbers 0..count-1, so the ingester drains exactly the rows
 * the raw ceiling inserts. Records are framed as every inbox writer frames them ({@link Inbox}:
 * 0x0A, envelope, 0x0A); written buffered, since only the file's content matters here.
 *
 * <p>Usage: {@code --home DIR --count N}.
 */
public final class InboxPrefill {
  private InboxPrefill() {}

  public static void main(String[] argv) throws Exception {
    MainArgs args = MainArgs.parse(argv);
    Home home = new Home(args.path("home"));
    long count = args.number("count", 1_000_000);
    long pid = ProcessHandle.current().pid();
    Path file = home.inboxFile("bench", LocalDate.now(ZoneOffset.UTC));
    Home.createPrivateDirectories(file.getParent());
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      for (long n = 0; n < count; n++) {
        out.write('\n');
        out.write(EnvelopeCodec.encode(EventMix.envelope(n, pid), null));
        out.write('\n');
      }
    }
    System.exit(0);
  }
}
