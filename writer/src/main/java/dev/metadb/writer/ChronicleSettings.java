package dev.metadb.writer;

import java.nio.file.Path;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * How every metadb process opens a slot's Chronicle queue, writer and ingester alike.
 *
 * <p>Entry format: one Chronicle document per event whose bytes are exactly the envelope JSON
 * ({@code EnvelopeCodec}), UTF-8, no framing of ours: Chronicle's header gives the length, and a
 * document is visible to readers only once complete (a writer killed mid-document leaves nothing
 * a tailer will return).
 *
 * <p>{@link #disablePhoneHome()} runs before any Chronicle class initialises: the launcher and
 * Surefire pass the same flags, this covers a plain {@code java -jar} or an embedding program
 * that did not.
 */
public final class ChronicleSettings {
  static {
    disablePhoneHome();
  }

  /** Every metadb queue's roll cycle: one file per UTC day; a queue index is cycle << 32 | sequence. */
  public static final RollCycles ROLL_CYCLE = RollCycles.FAST_DAILY;

  private ChronicleSettings() {}

  /**
   * Turns off Chronicle's analytics and start-up announcer for this JVM, and its disk-space
   * monitor thread: {@code DiskReservation} already turns a full disk into a clean append failure,
   * and the monitor's thread costs every short-lived writer a thread start and affinity probing.
   */
  public static void disablePhoneHome() {
    System.setProperty("chronicle.analytics.disable", "true");
    System.setProperty("chronicle.announcer.disable", "true");
    System.setProperty("chronicle.disk.monitor.disable", "true");
  }

  /**
   * A builder for the queue in {@code slotDir}: FAST_DAILY cycles, and {@code timeoutMillis} as
   * Chronicle's lock-wait bound (a writer's append bound; irrelevant to read-only tailers).
   */
  public static SingleChronicleQueueBuilder builder(Path slotDir, long timeoutMillis) {
    disablePhoneHome();
    return SingleChronicleQueueBuilder.single(slotDir.toFile())
        .rollCycle(ROLL_CYCLE)
        .timeoutMS(timeoutMillis)
        .checkInterrupts(false);
  }

  /** Opens the queue in {@code slotDir} for reading by the ingester (tailers only). */
  public static SingleChronicleQueue openForReading(Path slotDir) {
    return builder(slotDir, 10_000).build();
  }
}
