package dev.metadb.writer;

import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.InvalidEventException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/** Test helper: every entry in every writer slot of a home, decoded, in slot then queue order. */
public final class QueueContents {
  private QueueContents() {}

  public static List<Envelope> read(Home home) throws IOException, InvalidEventException {
    List<Envelope> all = new ArrayList<>();
    for (byte[] entry : entries(home.queueDir())) {
      all.add(EnvelopeCodec.decode(entry));
    }
    return all;
  }

  /** The raw entries of every slot of {@code queueDir} (also one moved out of its home). */
  public static List<byte[]> entries(Path queueDir) throws IOException {
    List<byte[]> all = new ArrayList<>();
    for (Path slot : Home.slotDirsIn(queueDir)) {
      if (!Home.hasCycleFile(slot)) {
        continue;
      }
      try (SingleChronicleQueue queue = ChronicleSettings.openForReading(slot);
          ExcerptTailer tailer = queue.createTailer()) {
        while (true) {
          try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
              break;
            }
            Bytes<?> bytes = dc.wire().bytes();
            byte[] entry = new byte[(int) bytes.readRemaining()];
            bytes.read(entry);
            all.add(entry);
          }
        }
      }
    }
    return all;
  }
}
