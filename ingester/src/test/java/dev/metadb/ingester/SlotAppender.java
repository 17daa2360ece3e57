package dev.metadb.ingester;

import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.writer.ChronicleSettings;
import dev.metadb.writer.Home;
import java.nio.file.Path;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Appends queue entries to one slot the way the writer does (one document = the envelope bytes),
 * bypassing the writer library so tests can also append bytes it would never write, and append
 * "in the past" (into an older day's cycle file) through a settable clock.
 */
final class SlotAppender implements AutoCloseable {
  private final SingleChronicleQueue queue;
  private final ExcerptAppender appender;
  private final SetTimeProvider clock;

  private SlotAppender(Path slotDir, long epochMillis) {
    this.clock = new SetTimeProvider(java.time.Instant.ofEpochMilli(epochMillis));
    this.queue = ChronicleSettings.builder(slotDir, 10_000).timeProvider(clock).build();
    this.appender = queue.createAppender();
  }

  /** An appender on {@code home}'s slot {@code slot}, with the clock at now. */
  static SlotAppender open(Home home, int slot) {
    return new SlotAppender(home.slotDir(slot), System.currentTimeMillis());
  }

  /** An appender whose clock stands {@code days} days ago (entries land in that day's cycle). */
  static SlotAppender daysAgo(Home home, int slot, int days) {
    return new SlotAppender(home.slotDir(slot), System.currentTimeMillis() - days * 86_400_000L);
  }

  void setDaysAgo(int days) {
    clock.currentTimeMillis(System.currentTimeMillis() - days * 86_400_000L);
  }

  /** Appends one envelope; returns its queue index. */
  long append(Envelope envelope) {
    return appendRaw(EnvelopeCodec.encode(envelope, null));
  }

  long appendRaw(byte[] bytes) {
    try (DocumentContext dc = appender.writingDocument()) {
      dc.wire().bytes().write(bytes);
      return dc.index();
    }
  }

  SingleChronicleQueue queue() {
    return queue;
  }

  @Override
  public void close() {
    try {
      appender.close();
    } finally {
      queue.close();
    }
  }
}
