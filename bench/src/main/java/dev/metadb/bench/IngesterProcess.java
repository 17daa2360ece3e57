package dev.metadb.bench;

import dev.metadb.event.Table;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code metadb ingest} process on one home, as an operator runs it: through {@code bin/metadb}
 * (so with the collector and heap cap of the distribution's {@code ingest.jvm.flags}; the launcher
 * execs the JVM, so the process is the JVM), started before the writers (its own start-up is not
 * part of any figure), stopped with SIGTERM after the drain.
 */
final class IngesterProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final RowCounter rows;

  private IngesterProcess(Process process, Path log, RowCounter rows) {
    this.process = process;
    this.log = log;
    this.rows = rows;
  }

  /** Starts the ingester and returns once it has created meta.db with the current schema. */
  static IngesterProcess start(BenchContext ctx, Path home) throws Exception {
    Path log = ctx.logFile("ingest");
    Process process = JvmLauncher.start(
        List.of(ctx.repoRoot().resolve("bin/metadb").toString(), "ingest", "--home", home.toString()), log);
    try {
      return new IngesterProcess(process, log, RowCounter.await(home.resolve("meta.db"), Duration.ofSeconds(60), process));
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IOException("metadb ingest did not come up:\n" + BenchContext.tail(log, 20), e);
    }
  }

  /** The ingester's peak resident set so far (VmHWM), in bytes; -1 where /proc is missing. */
  long peakRssBytes() {
    return PeakRss.of(process.pid());
  }

  /** The ingester's memory now (peak so far, anonymous and file-backed resident set). */
  PeakRss.Sample memory() {
    return PeakRss.sample(process.pid());
  }

  RowCounter rows() {
    return rows;
  }

  /**
   * Polls every 5 ms until {@code tables} hold {@code expected} rows; returns the
   * {@code System.nanoTime()} at which they did, or -1 after {@code timeout}.
   */
  long awaitRows(List<Table> tables, long expected, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (rows.count(tables) >= expected) {
        return System.nanoTime();
      }
      if (!process.isAlive()) {
        throw new IOException("metadb ingest exited " + process.exitValue() + ":\n" + BenchContext.tail(log, 20));
      }
      TimeUnit.MILLISECONDS.sleep(5);
    }
    return -1;
  }

  /** SIGTERM, then up to 10 s for a clean exit, then SIGKILL. */
  @Override
  public void close() throws Exception {
    Exception first = null;
    try {
      rows.close();
    } catch (Exception e) {
      first = e;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      IOException slow = new IOException("metadb ingest ignored SIGTERM for 10 s; killed. Log: " + log);
      if (first == null) {
        first = slow;
      } else {
        first.addSuppressed(slow);
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
