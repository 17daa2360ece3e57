package dev.metadb.bench;

import dev.metadb.event.Table;
import dev.metadb.writer.FileTrees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The seed's first table: 1/4/8/16/32 writer processes started together, 500 writes each, on each
 * {@link Topology}: the baseline (direct SQLite) and metadb's answers for a writer JVM, `MetaDb`
 * as it starts by default, `MetaDb` with a class-data archive made as a library user makes one
 * ({@link WriterArchive}, trained before any timed run), and `InboxRecorder`, the library's path for
 * short-lived processes. Topologies are interleaved at each writer count. Per write: median, p95,
 * p99 over every write of every writer. Wall: first JVM start to last exit. For metadb the
 * ingester runs throughout (started first, on the same machine) and the harness then waits for the
 * drain: rows counted in meta.db, drain time from the last writer's exit to the last row committed.
 * For the baseline the rows are counted after the writers exit.
 */
final class ConcurrentWritersBench implements Benchmark {
  private static final List<Table> TABLES = List.of(Table.MESSAGES);

  /** The JVM options of the archive row's writers: no C2 compiles, no concurrent GC threads. */
  private static final List<String> SHORT_LIVED_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  /** One row kind of the table: a sink, and how its writer JVMs start. */
  private enum Topology {
    BASELINE(SinkKind.DIRECT_SQLITE, SinkKind.DIRECT_SQLITE.label, SinkKind.DIRECT_SQLITE.description
        + "; JVMs start with metadb's flags and no archive of their own"),
    METADB(SinkKind.METADB, "metadb MetaDb", SinkKind.METADB.description + "; JVMs start with metadb's flags"),
    METADB_ARCHIVE(SinkKind.METADB, "metadb MetaDb + CDS, C1, Serial GC", "the same writers, each JVM also started with "
        + "`-XX:SharedArchiveFile=app.jsa " + String.join(" ", SHORT_LIVED_JVM) + "`: a dynamic class-data-sharing "
        + "archive made before the timed runs by one training writer started with `-XX:ArchiveClassesAtExit=app.jsa` and "
        + "the same options (JDK 17), as a library user makes one (the harness checks that a writer started with it loads "
        + "`MetaDb` from it); C1 only and the serial collector because a probe measured that they cut a cold "
        + "writer's wall and p95 further than the archive alone (README, Short-lived JVMs)"),
    INBOX(SinkKind.INBOX, SinkKind.INBOX.label, SinkKind.INBOX.description
        + "; JVMs start with none of metadb's flags (`java -cp CLASSPATH`, Chronicle's jars on the path, unused)");

    final SinkKind kind;
    final String label;
    final String description;

    Topology(SinkKind kind, String label, String description) {
      this.kind = kind;
      this.label = label;
      this.description = description;
    }

    WriterFleet.Launch launch(BenchContext ctx, WriterArchive archive) {
      return switch (this) {
        case BASELINE, METADB -> ctx.jvm()::command;
        case METADB_ARCHIVE -> (mainClass, args) -> ctx.jvm().command(mainClass, archive.options(), args);
        case INBOX -> ctx.jvm()::commandWithoutFlags;
      };
    }
  }

  @Override
  public String name() {
    return "writers";
  }

  /** One topology at one writer count. */
  private record Run(Topology topology, int writers, WriterFleet.Result result, long landed, double drainMs) {}

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    BenchConfig cfg = ctx.config();
    System.err.println("  training the writer's class-data archive (untimed)");
    WriterArchive archive = WriterArchive.train(ctx, cfg.writesPerWriter(), SHORT_LIVED_JVM);
    List<Run> runs = new ArrayList<>();
    for (int writers : cfg.writerCounts()) {
      for (Topology topology : Topology.values()) {
        runs.add(runOnce(ctx, topology, archive, writers));
      }
    }
    return List.of(table(ctx, runs));
  }

  private Run runOnce(BenchContext ctx, Topology topology, WriterArchive archive, int writers) throws Exception {
    System.err.printf("  %s x %d writers x %d writes%n", topology.label, writers, ctx.config().writesPerWriter());
    Path home = ctx.freshDir("writers-" + topology.name().toLowerCase(Locale.ROOT) + "-" + writers);
    List<String> args = List.of("--mode", "writes", "--sink", topology.kind.cliName, "--home", home.toString(),
        "--count", Integer.toString(ctx.config().writesPerWriter()), "--tables", "messages");
    String name = "writers-" + topology.kind.cliName;
    WriterFleet.Launch launch = topology.launch(ctx, archive);
    try {
      if (topology.kind != SinkKind.DIRECT_SQLITE) {
        try (IngesterProcess ingester = IngesterProcess.start(ctx, home)) {
          WriterFleet.Result result = WriterFleet.start(ctx, name, writers, k -> args, launch).await(Duration.ofMinutes(10));
          long done = ingester.awaitRows(TABLES, result.stored(), Duration.ofSeconds(120));
          long landed = ingester.rows().count(TABLES);
          return new Run(topology, writers, result, landed, done < 0 ? Double.NaN : (done - result.endNanos()) / 1e6);
        }
      }
      WriterFleet.Result result = WriterFleet.start(ctx, name, writers, k -> args, launch).await(Duration.ofMinutes(10));
      try (RowCounter rows = RowCounter.await(home.resolve("meta.db"), Duration.ofSeconds(10), null)) {
        return new Run(topology, writers, result, rows.count(TABLES), Double.NaN);
      }
    } finally {
      FileTrees.delete(home);
    }
  }

  private static ResultTable table(BenchContext ctx, List<Run> runs) throws Exception {
    StringBuilder topologies = new StringBuilder();
    for (Topology topology : Topology.values()) {
      topologies.append(topology == Topology.BASELINE ? "**Baseline:** " : " **" + topology.label + ":** ")
          .append(topology.description).append('.');
    }
    var t = ResultTable.builder("concurrent-writers", "Concurrent writers")
        .description("The seed's table: writer processes (separate JVMs, started together) x "
            + ctx.config().writesPerWriter() + " writes each of one `messages` event. Per-write latency is timed "
            + "inside each writer around each call; the writers open their sinks, then start writing together "
            + "(a start barrier), so a write contends with the other writes, not with JVMs still starting up; "
            + "wall is first JVM start to last exit (JVM start-up, the open and the barrier included). The topologies "
            + "run one after another at each writer count. " + topologies
            + " For each metadb row the ingester starts before the writers; "
            + "*landed* counts rows in meta.db, *drain* is last writer exit to last row committed. "
            + "*Successful* = stored + spooled (a spooled write lands through replay).")
        .columns("Topology", "Writers", "Attempted", "Successful", "Spooled", "Failed", "Median ms", "P95 ms",
            "P99 ms", "Wall ms", "Lock errors", "Rows landed", "Drain ms", "P95 vs baseline", "Wall vs baseline");
    List<Integer> counts = ctx.config().writerCounts();
    Map<String, double[]> latency = Charts.series();
    Map<String, double[]> wall = Charts.series();
    for (Topology topology : Topology.values()) {
      latency.put(topology.label + " p50", new double[counts.size()]);
      latency.put(topology.label + " p95", new double[counts.size()]);
      latency.put(topology.label + " p99", new double[counts.size()]);
      wall.put(topology.label, new double[counts.size()]);
    }
    for (Run run : runs) {
      int i = counts.indexOf(run.writers());
      Run base = find(runs, Topology.BASELINE, run.writers());
      WriterFleet.Result r = run.result();
      LatencyStats s = r.latency();
      LatencyStats b = base.result().latency();
      double wallMs = r.wallNanos() / 1e6;
      double baseWallMs = base.result().wallNanos() / 1e6;
      boolean isBase = run.topology() == Topology.BASELINE;
      String label = run.topology().label;
      t.row(label, Cells.count(run.writers()), Cells.count(r.attempted()),
          Cells.count(r.stored() + r.spooled()), Cells.count(r.spooled()), Cells.count(r.failed()),
          Cells.ms(s.medianMs()), Cells.ms(s.p95Ms()), Cells.ms(s.p99Ms()), Cells.ms(wallMs),
          Cells.count(r.lockErrors()), Cells.count(run.landed()), Cells.ms(run.drainMs()),
          isBase ? "1x" : Cells.ratio(s.p95Ms(), b.p95Ms()), isBase ? "1x" : Cells.ratio(wallMs, baseWallMs));
      latency.get(label + " p50")[i] = s.medianMs();
      latency.get(label + " p95")[i] = s.p95Ms();
      latency.get(label + " p99")[i] = s.p99Ms();
      wall.get(label)[i] = wallMs;
      if (r.firstError() != null) {
        t.note(label + " at " + run.writers() + " writers, first error: `" + r.firstError() + "`");
      }
    }
    targets(t, runs, counts);
    double[] x = counts.stream().mapToDouble(Integer::doubleValue).toArray();
    Charts.lines(ctx.dataDir().resolve("concurrent-writers-latency.png"), "Per-write latency by writer count",
        "writer processes", "ms per write (log scale)", x, latency, true);
    Charts.lines(ctx.dataDir().resolve("concurrent-writers-wall.png"), "Wall time: first JVM start to last exit",
        "writer processes", "wall ms", x, wall, false);
    return t.chart("concurrent-writers-latency.png").chart("concurrent-writers-wall.png").build();
  }

  /** The issues' targets, each read from this run's rows: per metadb topology, per writer count. */
  private static void targets(ResultTable.Builder t, List<Run> runs, List<Integer> counts) {
    for (Run run : runs) {
      if (run.landed() != run.result().attempted()) {
        t.note("Every write lands (" + run.topology().label + ", " + run.writers() + " writers): " + Cells.verdict(false)
            + ": " + run.landed() + " of " + run.result().attempted() + " rows in meta.db.");
      }
    }
    boolean allLanded = runs.stream().allMatch(r -> r.landed() == r.result().attempted());
    t.note("Target, every write lands in meta.db for every topology: " + Cells.verdict(allLanded) + ".");
    int max = counts.get(counts.size() - 1);
    double baseP95 = find(runs, Topology.BASELINE, max).result().latency().p95Ms();
    List<String> hundredfold = new ArrayList<>();
    for (Topology topology : Topology.values()) {
      if (topology != Topology.BASELINE) {
        double p95 = find(runs, topology, max).result().latency().p95Ms();
        hundredfold.add(topology.label + " " + Cells.ratio(p95, baseP95) + ", " + Cells.verdict(p95 <= baseP95 / 100));
      }
    }
    t.note("Target, metadb p95 at least 100x lower than the baseline's at " + max + " writers (at most 0.01x): "
        + String.join("; ", hundredfold) + ".");
    for (Topology topology : Topology.values()) {
      if (topology == Topology.BASELINE) {
        continue;
      }
      List<String> p95 = new ArrayList<>();
      List<String> wall = new ArrayList<>();
      boolean met = true;
      for (int n : counts) {
        WriterFleet.Result b = find(runs, Topology.BASELINE, n).result();
        WriterFleet.Result m = find(runs, topology, n).result();
        boolean p95Met = m.latency().p95Ms() <= b.latency().p95Ms();
        boolean wallMet = m.wallNanos() <= b.wallNanos();
        met &= p95Met && wallMet;
        p95.add(n + ": " + Cells.ratio(m.latency().p95Ms(), b.latency().p95Ms()) + " " + Cells.verdict(p95Met));
        wall.add(n + ": " + Cells.ratio(m.wallNanos(), b.wallNanos()) + " " + Cells.verdict(wallMet));
      }
      t.note("Target (issue 13), " + topology.label + " no worse than the baseline in p95 and wall at every writer "
          + "count: " + Cells.verdict(met) + ". P95 vs baseline by writers: " + String.join(", ", p95)
          + ". Wall vs baseline: " + String.join(", ", wall) + ".");
    }
  }

  private static Run find(List<Run> runs, Topology topology, int writers) {
    return runs.stream().filter(r -> r.topology() == topology && r.writers() == writers).findFirst().orElseThrow();
  }
}
