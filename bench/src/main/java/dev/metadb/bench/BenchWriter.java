package dev.metadb.bench;

import dev.metadb.event.Event;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One benchmark writer process. The harness starts several of these JVMs at once and reads the
 * {@link WriterReport} each leaves in {@code --report}.
 *
 * <pre>
 * --mode writes   open the sink once, then write and time each write:
 *                 --count N writes, or as many as fit in --duration-ms D;
 *                 --tables messages | messages,clone_dispatches (one event of each per round);
 *                 --rate R rounds per second (0: as fast as it can);
 *                 --warmup-ms W: first W ms of untimed writes as fast as it can (counted as
 *                 stored, not timed), so the timed writes run compiled code.
 * --mode warm     --warmup W untimed then --iterations N timed rounds of open, one write, close.
 * common          --sink metadb|sqlite|file  --home DIR  --writer-id K  --report FILE
 *                 --go-file F: after opening, create F.ready-K and wait until F exists, so the
 *                 writers of a fleet start writing together, after every JVM has started
 * </pre>
 *
 * <p>Each latency is one {@code System.nanoTime()} difference around the call, nothing else
 * inside it. Event contents come from {@link EventMix} numbered from {@code K * 10^7}, so writers
 * write distinct events.
 */
public final class BenchWriter {
  private BenchWriter() {}

  public static void main(String[] argv) throws Exception {
    MainArgs args = MainArgs.parse(argv);
    SinkKind kind = SinkKind.byCliName(args.string("sink"));
    Path home = args.path("home");
    int writerId = (int) args.number("writer-id", 0);
    WriterReport report = switch (args.string("mode", "writes")) {
      case "writes" -> writes(kind, home, writerId, args);
      case "warm" -> warm(kind, home, writerId, args);
      default -> throw new IllegalArgumentException("unknown --mode " + args.string("mode"));
    };
    report.write(args.path("report"));
    System.exit(0);
  }

  private static void awaitGo(MainArgs args, int writerId) throws java.io.IOException {
    String go = args.string("go-file", "");
    if (go.isEmpty()) {
      return;
    }
    Path goFile = Path.of(go);
    java.nio.file.Files.createFile(Path.of(go + ".ready-" + writerId));
    while (!java.nio.file.Files.exists(goFile)) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  private static WriterReport writes(SinkKind kind, Path home, int writerId, MainArgs args) throws Exception {
    long count = args.number("count", -1);
    long durationNanos = TimeUnit.MILLISECONDS.toNanos(args.number("duration-ms", 0));
    boolean dispatches = args.string("tables", "messages").contains("clone_dispatches");
    long rate = args.number("rate", 0);
    Tally tally = new Tally();
    long seq = writerId * 10_000_000L;

    long openStart = System.nanoTime();
    EventSink sink;
    try {
      sink = kind.open(home);
    } catch (Exception e) {
      return tally.openFailed(writerId, kind, Math.max(count, 0) * (dispatches ? 2 : 1), e);
    }
    long openNanos = System.nanoTime() - openStart;
    awaitGo(args, writerId);

    long warmupNanos = TimeUnit.MILLISECONDS.toNanos(args.number("warmup-ms", 0));
    for (long warmStart = System.nanoTime(); System.nanoTime() - warmStart < warmupNanos; seq++) {
      tally.untimed(sink.write(EventMix.message(seq)));
    }

    long start = System.nanoTime();
    long periodNanos = rate > 0 ? 1_000_000_000L / rate : 0;
    for (long round = 0; count < 0 ? System.nanoTime() - start < durationNanos : round < count; round++) {
      if (periodNanos > 0) {
        long due = start + round * periodNanos;
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
      }
      tally.timed(sink, EventMix.message(seq));
      if (dispatches) {
        tally.timed(sink, EventMix.dispatch(seq));
      }
      seq++;
    }

    long closeStart = System.nanoTime();
    sink.close();
    return tally.report(writerId, kind, openNanos, System.nanoTime() - closeStart);
  }

  private static WriterReport warm(SinkKind kind, Path home, int writerId, MainArgs args) throws Exception {
    long warmup = args.number("warmup", 5);
    long iterations = args.number("iterations", 30);
    Tally tally = new Tally();
    for (long i = 0; i < warmup + iterations; i++) {
      Event event = EventMix.message(writerId * 10_000_000L + i);
      long start = System.nanoTime();
      WriteOutcome outcome;
      try (EventSink sink = kind.open(home)) {
        outcome = sink.write(event);
      }
      long nanos = System.nanoTime() - start;
      if (i >= warmup) {
        tally.count(outcome, nanos);
      }
    }
    return tally.report(writerId, kind, 0, 0);
  }

  /** Counts outcomes and keeps latencies. */
  private static final class Tally {
    private final LongSamples latencies = new LongSamples();
    private long stored;
    private long spooled;
    private long failed;
    private long lockErrors;
    private String firstError;

    void timed(EventSink sink, Event event) {
      long start = System.nanoTime();
      WriteOutcome outcome = sink.write(event);
      count(outcome, System.nanoTime() - start);
    }

    void count(WriteOutcome outcome, long nanos) {
      latencies.add(nanos);
      untimed(outcome);
    }

    void untimed(WriteOutcome outcome) {
      switch (outcome.kind()) {
        case STORED -> stored++;
        case SPOOLED -> spooled++;
        case FAILED -> failed++;
        case LOCK_ERROR -> {
          failed++;
          lockErrors++;
        }
      }
      if (firstError == null && outcome.error() != null) {
        firstError = outcome.error();
      }
    }

    WriterReport openFailed(int writerId, SinkKind kind, long attempted, Exception e) {
      boolean lock = e instanceof SQLException se && DirectSqliteSink.isLock(se);
      return new WriterReport(writerId, ProcessHandle.current().pid(), kind.cliName, attempted, 0, 0,
          attempted, lock ? 1 : 0, 0, 0, new long[0], "open failed: " + e);
    }

    WriterReport report(int writerId, SinkKind kind, long openNanos, long closeNanos) {
      return new WriterReport(writerId, ProcessHandle.current().pid(), kind.cliName, latencies.size(),
          stored, spooled, failed, lockErrors, openNanos, closeNanos, latencies.toArray(), firstError);
    }
  }
}
