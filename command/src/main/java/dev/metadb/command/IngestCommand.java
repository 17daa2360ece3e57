package dev.metadb.command;

import dev.metadb.ingester.IngestOptions;
import dev.metadb.ingester.IngestStats;
import dev.metadb.ingester.Ingester;
import dev.metadb.ingester.Trail;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code metadb ingest}: runs the {@link Ingester} in the foreground until SIGTERM/SIGINT, or once
 * over what is queued ({@code --once}).
 *
 * <p>SHUTDOWN. SIGTERM and SIGINT are handled (not left to the JVM's default, which would exit
 * 143/130): they ask the ingester to commit its current batch and stop, and the command returns
 * 0. The loop runs on its own thread so that the command can keep the 2 s promise even when the
 * commit cannot happen (another process holds meta.db's lock and SQLite is waiting out its busy
 * timeout): after {@link #STOP_GRACE_MILLIS} it returns without the commit, the uncommitted
 * entries stay in the queue, and the next start takes them.
 */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = "Move queued events, inbox lines and trails into meta.db (SQLite, WAL) exactly once; runs until SIGTERM/SIGINT.",
    footer = {
      "",
      "Examples:",
      "  metadb ingest                  # run until SIGTERM/Ctrl-C, commit, exit 0",
      "  metadb ingest --once           # drain what is queued now, print counts, exit",
      "  metadb ingest --once --batch-size 5000 --max-latency-ms 200 --retain-days 3",
      "  metadb ingest --skip-missing   # go on past a deleted checkpoint cycle file",
      "  metadb ingest --trail 'watchdog_events=/var/log/agents/watchdog-events-*.jsonl'  # also tail a one-table trail in place (repeatable)",
      "",
      "Exit 0 ok, 1 runtime failure (another ingester running, meta.db not a database, a checkpoint's"
          + " cycle file gone), 2 bad option, 3 meta.db schema newer than this metadb."
    })
final class IngestCommand implements Callable<Integer> {
  /** How long a stop request waits for the current batch to commit before giving up on it. */
  static final long STOP_GRACE_MILLIS = 1_500;

  @Mixin HomeOption home;

  @Spec CommandSpec spec;

  @Option(names = "--once", description = "ingest what is queued now, then exit")
  boolean once;

  @Option(names = "--batch-size", paramLabel = "N", description = "commit every N events (default: ${DEFAULT-VALUE})")
  int batchSize = IngestOptions.DEFAULTS.batchSize();

  @Option(names = "--max-latency-ms", paramLabel = "M", description = "commit at the latest M ms after an event was taken (default: ${DEFAULT-VALUE})")
  long maxLatencyMillis = IngestOptions.DEFAULTS.maxLatency().toMillis();

  @Option(names = "--retain-days", paramLabel = "D", description = "delete ingested queue cycle files older than D days (default: ${DEFAULT-VALUE})")
  int retainDays = IngestOptions.DEFAULTS.retainDays();

  @Option(names = "--trail", paramLabel = "TABLE=GLOB", description = "tail the files GLOB matches (wildcards in the file name only) in place, each line one TABLE data object, optionally with ts_utc/event_id/host/pid; repeatable")
  List<String> trails = new ArrayList<>();

  @Option(names = "--skip-missing", description = "when a checkpoint's cycle file is gone, continue from the first entry still queued (entries in the missing files are lost)")
  boolean skipMissing;

  @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "serve Prometheus metrics at http://HOST:PORT/metrics (e.g. 127.0.0.1:9464)")
  String metricsAddress;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Consumer<String> log = line -> {
      err.println("metadb ingest: " + line);
      err.flush();
    };
    IngestOptions options = new IngestOptions(batchSize, Duration.ofMillis(maxLatencyMillis), retainDays, skipMissing)
        .withTrails(trails.stream().map(Trail::parse).toList());
    if (metricsAddress == null) {
      Ingester ingester = Ingester.open(home.home(), options, log);
      return once ? drain(ingester, out) : runUntilStopped(ingester, log);
    }
    try (PrometheusMetrics metrics = PrometheusMetrics.start(home.home(), metricsAddress, log)) {
      Ingester ingester = Ingester.open(home.home(), options, log, metrics);
      return once ? drain(ingester, out) : runUntilStopped(ingester, log);
    }
  }

  private static int drain(Ingester ingester, PrintWriter out) throws Exception {
    IngestStats stats;
    try (ingester) {
      stats = ingester.drain();
    }
    out.println(summary(stats));
    out.flush();
    if (!ingester.damage().isEmpty()) {
      throw CommandException.failure("damaged queue files: " + ingester.damage().size() + " problem(s) above; the damaged"
          + " slots are retired and what could be read past the damage was ingested or spooled (see metadb status)", null);
    }
    return ExitCode.OK;
  }

  private static int runUntilStopped(Ingester ingester, Consumer<String> log) throws IOException, SQLException {
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread worker = new Thread(() -> {
      try {
        outcome.set(ingester.run());
      } catch (Exception | Error e) {
        outcome.set(e);
      }
    }, "metadb-ingest");
    AtomicLong stopAt = new AtomicLong();
    Runnable stop = () -> {
      stopAt.compareAndSet(0, System.nanoTime());
      ingester.stop();
    };
    Signal.handle(new Signal("TERM"), signal -> stop.run());
    Signal.handle(new Signal("INT"), signal -> stop.run());
    log.accept("running (pid " + ProcessHandle.current().pid() + "); SIGTERM or Ctrl-C stops after committing the current batch");
    worker.start();
    try {
      while (worker.isAlive()) {
        worker.join(50);
        long stoppedAt = stopAt.get();
        if (stoppedAt != 0 && worker.isAlive()
            && System.nanoTime() - stoppedAt > TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MILLIS)) {
          // The loop is inside SQLite (busy wait): closing the connection under it is unsafe, and
          // the process is about to exit, which releases the lock and discards the open transaction.
          log.accept("meta.db did not accept the last batch in time; stopping without it "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt) + " ms after the signal"
              + " (its entries are read again on the next start)");
          return ExitCode.OK;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ingester.stop();
      return ExitCode.FAILURE;
    }
    Object result = outcome.get();
    ingester.close();
    if (result instanceof IngestStats stats) {
      long stoppedAt = stopAt.get();
      String after = stoppedAt == 0 ? "" : " " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt) + " ms after the signal";
      log.accept("stopped" + after + ": " + summary(stats));
      return ExitCode.OK;
    }
    throw CommandException.failure("failed: " + Failures.message((Throwable) result), (Throwable) result);
  }

  private static String summary(IngestStats s) {
    return "ingested " + s.entries() + " entries: " + s.inserted() + " new rows, " + s.duplicates()
        + " already stored, " + s.spooled() + " spooled, in " + s.batches() + " batches"
        + (s.retries() > 0 ? " (" + s.retries() + " retried)" : "")
        + (s.filesDeleted() > 0 ? "; deleted " + s.filesDeleted() + " ingested cycle files" : "");
  }
}
