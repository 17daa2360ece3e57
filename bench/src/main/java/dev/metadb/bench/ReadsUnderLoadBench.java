package dev.metadb.bench;

import dev.metadb.event.Table;
import dev.metadb.writer.FileTrees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The seed's second table: while writer processes write a message and a clone dispatch per round
 * at a fixed rate (the same for both topologies, so both readers face the same write load and
 * both tables grow alike) for a fixed time, a reader in the harness runs two operator queries every read interval and
 * times each. Both topologies: the baseline's writers insert straight into SQLite and its reader
 * runs the SQL straight on SQLite; metadb's writers append to the queue, the ingester commits, and
 * the reader goes through {@code metadb query}'s in-process API (snapshot into Arrow, SQL in
 * DuckDB). Reading starts once the first row is visible and stops when the writers exit (after at
 * least {@link #MIN_ROUNDS} rounds, which a short run may only reach after the writers are gone).
 */
final class ReadsUnderLoadBench implements Benchmark {
  /** The seed's two queries: a count and a grouped aggregate. */
  static final List<String[]> QUERIES = List.of(
      new String[] {"messages_count", "SELECT count(*) FROM messages"},
      new String[] {"dispatch_avg",
          "SELECT agent, count(*) AS dispatches, avg(exit_code) AS avg_exit_code FROM clone_dispatches GROUP BY agent ORDER BY agent"});
  private static final List<Table> TABLES = List.of(Table.MESSAGES, Table.CLONE_DISPATCHES);

  @Override
  public String name() {
    return "reads";
  }

  /** Read rounds always taken, even past the writers' exit, so every read path runs at least this often. */
  private static final int MIN_ROUNDS = 5;

  private record QueryRun(String query, LatencyStats stats, long errors, String firstError) {}

  private record Reads(List<QueryRun> queries, int roundsAfterWriters) {}

  private record TopologyRun(SinkKind kind, String reader, List<QueryRun> queries, int roundsAfterWriters,
      long messages, long dispatches) {}

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    List<TopologyRun> runs = new ArrayList<>();
    runs.add(runOnce(ctx, SinkKind.DIRECT_SQLITE));
    runs.add(runOnce(ctx, SinkKind.METADB));
    return List.of(table(ctx, runs));
  }

  private TopologyRun runOnce(BenchContext ctx, SinkKind kind) throws Exception {
    BenchConfig cfg = ctx.config();
    System.err.printf("  %s: %d writers x %d rounds/s for %d ms, reads every %d ms%n", kind.label, cfg.readLoadWriters(),
        cfg.readLoadRatePerWriter(), cfg.readLoadMillis(), cfg.readIntervalMillis());
    Path home = ctx.freshDir("reads-" + kind.cliName);
    Path db = home.resolve("meta.db");
    IngesterProcess ingester = null;
    try {
      if (kind == SinkKind.METADB) {
        ingester = IngesterProcess.start(ctx, home);
      } else {
        SeedDatabase.openForWriting(db).close();
      }
      List<String> args = List.of("--mode", "writes", "--sink", kind.cliName, "--home", home.toString(),
          "--duration-ms", Long.toString(cfg.readLoadMillis()), "--rate", Integer.toString(cfg.readLoadRatePerWriter()),
          "--tables", "messages,clone_dispatches");
      try (RowCounter rows = RowCounter.await(db, Duration.ofSeconds(30), null);
          ReadPath reader = kind == SinkKind.METADB ? MetaDbReadPath.open(home) : new SqliteReadPath(db)) {
        WriterFleet fleet = WriterFleet.start(ctx, "reads-" + kind.cliName, cfg.readLoadWriters(), k -> args);
        while (fleet.running() && rows.count(List.of(Table.MESSAGES)) == 0) {
          TimeUnit.MILLISECONDS.sleep(5);
        }
        Reads reads = readWhile(fleet, reader, cfg.readIntervalMillis());
        WriterFleet.Result written = fleet.await(Duration.ofMinutes(5));
        if (ingester != null) {
          ingester.awaitRows(TABLES, written.stored(), Duration.ofSeconds(60));
        }
        return new TopologyRun(kind, kind == SinkKind.METADB ? "metadb query (in-process)" : "SQLite (JDBC)",
            reads.queries(), reads.roundsAfterWriters(), rows.count(List.of(Table.MESSAGES)),
            rows.count(List.of(Table.CLONE_DISPATCHES)));
      }
    } finally {
      if (ingester != null) {
        ingester.close();
      }
      FileTrees.delete(home);
    }
  }

  private static Reads readWhile(WriterFleet fleet, ReadPath reader, long intervalMillis)
      throws InterruptedException {
    List<LongSamples> samples = new ArrayList<>();
    long[] errors = new long[QUERIES.size()];
    String[] firstError = new String[QUERIES.size()];
    QUERIES.forEach(q -> samples.add(new LongSamples()));
    long next = System.nanoTime();
    int rounds = 0;
    int roundsAfterWriters = 0;
    while (fleet.running() || rounds < MIN_ROUNDS) {
      if (!fleet.running()) {
        roundsAfterWriters++;
      }
      rounds++;
      for (int q = 0; q < QUERIES.size(); q++) {
        long start = System.nanoTime();
        try {
          reader.run(QUERIES.get(q)[1]);
          samples.get(q).add(System.nanoTime() - start);
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          errors[q]++;
          if (firstError[q] == null) {
            firstError[q] = e.toString();
          }
        }
      }
      next += TimeUnit.MILLISECONDS.toNanos(intervalMillis);
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
    }
    List<QueryRun> runs = new ArrayList<>();
    for (int q = 0; q < QUERIES.size(); q++) {
      runs.add(new QueryRun(QUERIES.get(q)[0], LatencyStats.ofNanos(samples.get(q).toArray()), errors[q], firstError[q]));
    }
    return new Reads(runs, roundsAfterWriters);
  }

  private static ResultTable table(BenchContext ctx, List<TopologyRun> runs) throws Exception {
    BenchConfig cfg = ctx.config();
    var t = ResultTable.builder("reads-under-load", "Reads under write load")
        .description("The seed's table: " + cfg.readLoadWriters() + " writer processes write one `messages` and one "
            + "`clone_dispatches` event per round, " + cfg.readLoadRatePerWriter() + " rounds/s each (the same rate for "
            + "both topologies), for " + cfg.readLoadMillis() / 1000.0 + " s while the harness runs "
            + "each query every " + cfg.readIntervalMillis() + " ms. `messages_count` is `" + QUERIES.get(0)[1]
            + "`; `dispatch_avg` is `" + QUERIES.get(1)[1] + "`. **Baseline:** " + SinkKind.DIRECT_SQLITE.label
            + " writers, the SQL straight on SQLite (read-only JDBC connection). **metadb:** queue writers and the "
            + "ingester, the SQL through `metadb query`'s in-process API (snapshot into Arrow, SQL in DuckDB).")
        .columns("Topology", "Reader", "Query", "Samples", "Median ms", "P95 ms", "P99 ms", "Max ms", "Read errors",
            "P95 vs baseline");
    TopologyRun base = runs.get(0);
    List<String> categories = new ArrayList<>();
    Map<String, double[]> series = Charts.series();
    List<double[]> values = new ArrayList<>();
    for (TopologyRun run : runs) {
      for (int q = 0; q < run.queries().size(); q++) {
        QueryRun qr = run.queries().get(q);
        LatencyStats s = qr.stats();
        double baseP95 = base.queries().get(q).stats().p95Ms();
        t.row(run.kind().label, run.reader(), qr.query(), Cells.count(s.count()), Cells.ms(s.medianMs()),
            Cells.ms(s.p95Ms()), Cells.ms(s.p99Ms()), Cells.ms(s.maxMs()), Cells.count(qr.errors()),
            run == base ? "1x" : Cells.ratio(s.p95Ms(), baseP95));
        if (qr.firstError() != null) {
          t.note(run.kind().label + " " + qr.query() + " first read error: `" + qr.firstError() + "`");
        }
        categories.add(qr.query() + " / " + run.kind().cliName);
        values.add(new double[] {s.medianMs(), s.p95Ms(), s.p99Ms()});
      }
      t.note(run.kind().label + ": the writers wrote " + run.messages() + " messages rows and " + run.dispatches()
          + " clone_dispatches rows." + (run.roundsAfterWriters() == 0 ? ""
              : " " + run.roundsAfterWriters() + " of the read rounds ran after the writers had exited (at least "
                  + MIN_ROUNDS + " rounds are always taken), so they were not under load."));
    }
    TopologyRun meta = runs.get(runs.size() - 1);
    for (int q = 0; q < QUERIES.size(); q++) {
      double metaP95 = meta.queries().get(q).stats().p95Ms();
      double baseP95 = base.queries().get(q).stats().p95Ms();
      t.note("Target (issue 13), " + QUERIES.get(q)[0] + " p95 through metadb no worse than direct SQLite's at the same "
          + "write rate: " + Cells.ms(metaP95) + " ms against " + Cells.ms(baseP95) + " ms, " + Cells.ratio(metaP95, baseP95)
          + ": " + Cells.verdict(metaP95 <= baseP95) + ".");
    }
    long errors = runs.stream().flatMap(r -> r.queries().stream()).mapToLong(QueryRun::errors).sum();
    t.note("Read errors across both topologies: " + errors + " (target 0: " + Cells.verdict(errors == 0) + ").");
    String[] names = {"median", "p95", "p99"};
    for (int p = 0; p < names.length; p++) {
      double[] ys = new double[values.size()];
      for (int i = 0; i < ys.length; i++) {
        ys[i] = values.get(i)[p];
      }
      series.put(names[p], ys);
    }
    Charts.bars(ctx.dataDir().resolve("reads-under-load.png"), "Read latency under write load", "ms per query (log scale)",
        categories, series, true);
    return t.chart("reads-under-load.png").build();
  }
}
