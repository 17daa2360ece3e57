package dev.metadb.writer;

import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.core.time.TimeProvider;

/**
 * The clock a writer slot's queue picks its cycle (its day file) with: the wall clock, except that
 * it never goes back, neither behind a time it already returned nor behind the start of the
 * newest cycle file already in the slot ({@link #notBefore}).
 *
 * <p>WHY. Chronicle writes a cycle's end-of-file mark only when an appender rolls forward. A wall
 * clock stepped back by days (an NTP correction, a VM restored from a snapshot) made the appender
 * open an older day's file and leave the newer one unmarked; a tailer, which reads cycles in order
 * and moves on only at that mark, then waited for ever: events stayed undelivered until another
 * process appended to the slot. With this clock the cycle never goes back, so every entry lands in
 * a cycle at or after the ones already written.
 *
 * <p>The price of a clock stepped far forward: the slot keeps appending to that future day's file
 * until real time reaches it (its entries are read as usual; only retention waits). Entries'
 * {@code ts_utc} and event ids do not come from here. Thread-safe.
 */
final class ForwardClock implements TimeProvider {
  private final AtomicLong latest = new AtomicLong();

  /** Never returns less than {@code epochMillis} from now on. */
  void notBefore(long epochMillis) {
    latest.accumulateAndGet(epochMillis, Math::max);
  }

  @Override
  public long currentTimeMillis() {
    long now = System.currentTimeMillis();
    long seen = latest.get();
    // Chronicle asks on every append, from every thread: write only when the millisecond moved on.
    return now <= seen ? seen : latest.accumulateAndGet(now, Math::max);
  }
}
