package dev.metadb.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * In-process append latency, one JVM per measurement:
 * {@code --sink metadb|file|sqlite --threads T --count N --warmup W --home DIR --report FILE}.
 *
 * <p>T threads start together; each makes W untimed writes (JIT warm-up) and then N timed ones.
 * metadb and the file floor share one sink between the threads, as an application shares its
 * {@code MetaDb}; SQLite gets a connection per thread (a JDBC connection serialises its callers,
 * which would measure the lock rather than SQLite).
 */
public final class AppendLatencyProbe {
  private AppendLatencyProbe() {}

  public static void main(String[] argv) throws Exception {
    MainArgs args = MainArgs.parse(argv);
    SinkKind kind = SinkKind.byCliName(args.string("sink"));
    int threads = (int) args.number("threads", 1);
    long count = args.number("count", 10_000);
    long warmup = args.number("warmup", 10_000);
    Path home = args.path("home");

    List<EventSink> sinks = new ArrayList<>();
    EventSink shared = kind == SinkKind.DIRECT_SQLITE ? null : kind.open(home);
    for (int t = 0; t < threads; t++) {
      sinks.add(shared != null ? shared : kind.open(home));
    }
    long[][] latencies = new long[threads][];
    long[] stored = new long[threads];
    String[] errors = new String[threads];
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread worker = new Thread(() -> {
        EventSink sink = sinks.get(id);
        long[] mine = new long[(int) count];
        long seq = id * 10_000_000L;
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (long i = 0; i < warmup; i++) {
          sink.write(EventMix.message(seq++));
        }
        for (int i = 0; i < count; i++) {
          var event = EventMix.message(seq++);
          long start = System.nanoTime();
          WriteOutcome outcome = sink.write(event);
          mine[i] = System.nanoTime() - start;
          if (outcome.kind() == WriteOutcome.Kind.STORED) {
            stored[id]++;
          } else if (errors[id] == null) {
            errors[id] = outcome.kind() + ": " + outcome.error();
          }
        }
        latencies[id] = mine;
      }, "append-" + t);
      workers.add(worker);
      worker.start();
    }
    go.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    Exception closeFailure = null;
    for (EventSink sink : shared != null ? List.of(shared) : sinks) {
      try {
        sink.close();
      } catch (Exception e) {
        if (closeFailure == null) {
          closeFailure = e;
        } else {
          closeFailure.addSuppressed(e);
        }
      }
    }
    if (closeFailure != null) {
      throw closeFailure;
    }
    long total = threads * count;
    long ok = Arrays.stream(stored).sum();
    String firstError = Arrays.stream(errors).filter(e -> e != null).findFirst().orElse(null);
    new WriterReport(0, ProcessHandle.current().pid(), kind.cliName, total, ok, 0, total - ok, 0, 0, 0,
        LatencyStats.concat(Arrays.asList(latencies)), firstError).write(args.path("report"));
    System.exit(0);
  }
}
