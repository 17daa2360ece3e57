package dev.metadb.ingester;

import dev.metadb.writer.Home;
import java.io.IOException;
import java.util.OptionalLong;

/**
 * One ingester per home: a {@link PidLock} on {@code <home>/ingest.lock}, whose content is the
 * holder's pid as text.
 *
 * <p>{@code status} probes with a shared lock for an instant, so {@link #acquire} retries for
 * {@link #ACQUIRE_PATIENCE_MILLIS} before concluding another ingester runs.
 */
public final class IngestLock implements AutoCloseable {
  static final long ACQUIRE_PATIENCE_MILLIS = 500;

  private final PidLock lock;

  private IngestLock(PidLock lock) {
    this.lock = lock;
  }

  /** Takes the home's ingest lock and writes this pid into it. */
  public static IngestLock acquire(Home home) throws IOException, AnotherIngesterException {
    Home.createPrivateDirectories(home.dir());
    PidLock lock = PidLock.acquire(home.ingestLock(), ACQUIRE_PATIENCE_MILLIS).orElse(null);
    if (lock == null) {
      throw new AnotherIngesterException(PidLock.recordedPid(home.ingestLock()).orElse(-1));
    }
    return new IngestLock(lock);
  }

  /** The pid of the ingester holding {@code home}'s lock, or empty when none does. */
  public static OptionalLong holder(Home home) throws IOException {
    return PidLock.holder(home.ingestLock());
  }

  /** Releases the lock; the file stays (its content is only meaningful while locked). */
  @Override
  public void close() throws IOException {
    lock.close();
  }
}
