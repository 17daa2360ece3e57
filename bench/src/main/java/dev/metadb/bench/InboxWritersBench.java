package dev.metadb.bench;

import dev.metadb.event.Table;
import dev.metadb.writer.FileTrees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The seed's concurrent-writer table for non-JVM writers (issue 12): W python3 processes started
 * together (a start barrier after each has opened), {@code writesPerWriter} writes each. Baseline:
 * the seed's topology in the same language, each write its own transaction into the shared SQLite
 * WAL database with a 10 s busy timeout. metadb: each write is docs/inbox.md's {@code
 * metadb_event()} appending to the inbox, read from the docs themselves ({@link InboxDocs}), with
 * {@code metadb ingest} running; after the writers exit the harness waits for every write to be a
 * row (drain: last writer exit to last row committed).
 */
final class InboxWritersBench implements Benchmark {
  private static final List<Table> TABLES = List.of(Table.MESSAGES);
  private static final String SQLITE = "python3, each write a transaction in shared SQLite (baseline)";
  private static final String INBOX = "python3, docs/inbox.md metadb_event() + metadb ingest";

  @Override
  public String name() {
    return "inbox";
  }

  private record Run(String topology, int writers, WriterFleet.Result result, long landed, double drainMs) {}

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    Path scripts = ctx.freshDir("inbox-scripts");
    Path writer = scripts.resolve("python_writer.py");
    try (InputStream in = InboxWritersBench.class.getResourceAsStream("python_writer.py")) {
      Files.copy(in, writer);
    }
    Path functions = scripts.resolve("metadb_event.py");
    Files.writeString(functions, InboxDocs.block(InboxDocs.file(ctx.repoRoot()), InboxDocs.PYTHON));
    List<Run> runs = new ArrayList<>();
    for (int writers : ctx.config().writerCounts()) {
      runs.add(runOnce(ctx, "sqlite", writers, writer, functions));
      runs.add(runOnce(ctx, "inbox", writers, writer, functions));
    }
    return List.of(table(ctx, runs));
  }

  private Run runOnce(BenchContext ctx, String mode, int writers, Path script, Path functions) throws Exception {
    int count = ctx.config().writesPerWriter();
    String topology = mode.equals("inbox") ? INBOX : SQLITE;
    System.err.printf("  %s x %d writers x %d writes%n", topology, writers, count);
    Path home = ctx.freshDir("inbox-" + mode + "-" + writers);
    WriterFleet.CommandFor command = (k, report, go) -> List.of("python3", script.toString(), mode, home.toString(),
        Integer.toString(count), Integer.toString(k), report.toString(), go.toString(), functions.toString());
    try {
      if (mode.equals("inbox")) {
        try (IngesterProcess ingester = IngesterProcess.start(ctx, home)) {
          WriterFleet.Result result = WriterFleet.startProcesses(ctx, "inbox-python", writers, command).await(Duration.ofMinutes(10));
          Duration drainLimit = Duration.ofSeconds(ctx.config().quick() ? 30 : 120);
          long done = ingester.awaitRows(TABLES, result.stored(), drainLimit);
          return new Run(topology, writers, result, ingester.rows().count(TABLES), done < 0 ? Double.NaN : (done - result.endNanos()) / 1e6);
        }
      }
      SeedDatabase.openForWriting(home.resolve("meta.db")).close();
      WriterFleet.Result result = WriterFleet.startProcesses(ctx, "sqlite-python", writers, command).await(Duration.ofMinutes(10));
      try (RowCounter rows = RowCounter.await(home.resolve("meta.db"), Duration.ofSeconds(10), null)) {
        return new Run(topology, writers, result, rows.count(TABLES), Double.NaN);
      }
    } finally {
      FileTrees.delete(home);
    }
  }

  private static ResultTable table(BenchContext ctx, List<Run> runs) throws IOException {
    var t = ResultTable.builder("inbox-writers", "Concurrent non-JVM writers: the inbox")
        .description("The seed's concurrent-writer table with python3 writers (issue 12): W processes started together "
            + "(each opens, then all start writing at a barrier) x " + ctx.config().writesPerWriter() + " writes of one "
            + "`messages` event, each write timed inside the writer. **Baseline:** " + SQLITE + " (busy timeout 10 s, "
            + "synchronous=NORMAL, autocommit INSERT). **metadb:** " + INBOX + " (open, one O_APPEND write(), close per "
            + "event; the ingester starts before the writers). Wall: first process start to last exit. *Landed*: rows "
            + "in meta.db; *drain*: last writer exit to last row committed.")
        .columns("Topology", "Writers", "Attempted", "Stored", "Failed", "Median ms", "P95 ms", "P99 ms", "Wall ms",
            "Lock errors", "Rows landed", "Drain ms", "P95 vs baseline", "Wall vs baseline");
    List<Integer> counts = ctx.config().writerCounts();
    Map<String, double[]> latency = Charts.series();
    for (String topology : List.of(SQLITE, INBOX)) {
      latency.put(shortName(topology) + " p95", new double[counts.size()]);
      latency.put(shortName(topology) + " p99", new double[counts.size()]);
    }
    for (Run run : runs) {
      Run base = find(runs, SQLITE, run.writers());
      WriterFleet.Result r = run.result();
      LatencyStats s = r.latency();
      LatencyStats b = base.result().latency();
      boolean isBase = run == base;
      t.row(run.topology(), Cells.count(run.writers()), Cells.count(r.attempted()), Cells.count(r.stored()),
          Cells.count(r.failed()), Cells.ms(s.medianMs()), Cells.ms(s.p95Ms()), Cells.ms(s.p99Ms()),
          Cells.ms(r.wallNanos() / 1e6), Cells.count(r.lockErrors()), Cells.count(run.landed()), Cells.ms(run.drainMs()),
          isBase ? "1x" : Cells.ratio(s.p95Ms(), b.p95Ms()), isBase ? "1x" : Cells.ratio(r.wallNanos(), base.result().wallNanos()));
      int i = counts.indexOf(run.writers());
      latency.get(shortName(run.topology()) + " p95")[i] = s.p95Ms();
      latency.get(shortName(run.topology()) + " p99")[i] = s.p99Ms();
      if (r.firstError() != null) {
        t.note(run.topology() + " at " + run.writers() + " writers, first error: `" + r.firstError() + "`");
      }
    }
    boolean allLanded = runs.stream().allMatch(r -> r.landed() == r.result().attempted());
    for (Run run : runs) {
      if (run.landed() != run.result().attempted()) {
        t.note("Not every write landed (" + run.topology() + ", " + run.writers() + " writers): " + run.landed() + " of "
            + run.result().attempted() + " rows in meta.db.");
      }
    }
    t.note("Target, every write in meta.db exactly once (rows = writes; event_id is UNIQUE) for both topologies: "
        + Cells.verdict(allLanded) + ".");
    int max = counts.get(counts.size() - 1);
    double p95 = find(runs, INBOX, max).result().latency().p95Ms();
    double baseP95 = find(runs, SQLITE, max).result().latency().p95Ms();
    t.note("Target, inbox p95 at least 100x lower than direct SQLite's at " + max + " writers: inbox p95 is "
        + Cells.ratio(p95, baseP95) + " of the baseline's: " + Cells.verdict(p95 <= baseP95 / 100) + ".");
    List<String> worse = new ArrayList<>();
    for (int n : counts) {
      long inbox = find(runs, INBOX, n).result().wallNanos();
      long base = find(runs, SQLITE, n).result().wallNanos();
      if (inbox > base) {
        worse.add(n + " writers (" + Cells.ratio(inbox, base) + ")");
      }
    }
    t.note("Target, inbox wall time no worse than the baseline's at every writer count: " + Cells.verdict(worse.isEmpty())
        + (worse.isEmpty() ? "." : ": slower at " + String.join(", ", worse) + "."));
    double[] x = counts.stream().mapToDouble(Integer::doubleValue).toArray();
    Charts.lines(ctx.dataDir().resolve("inbox-writers-latency.png"), "python3 writers: per-write latency",
        "writer processes", "ms per write (log scale)", x, latency, true);
    return t.chart("inbox-writers-latency.png").build();
  }

  private static String shortName(String topology) {
    return topology.equals(SQLITE) ? "direct SQLite" : "inbox";
  }

  private static Run find(List<Run> runs, String topology, int writers) {
    return runs.stream().filter(r -> r.topology().equals(topology) && r.writers() == writers).findFirst().orElseThrow();
  }
}
