package dev.metadb.bench;

import dev.metadb.writer.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The seed's third table plus issue 2's cold-record figure.
 *
 * <p>COLD: each iteration starts a fresh JVM on a fresh home (a directory that does not exist
 * yet) and times it from {@code fork} to exit, as the harness sees a short-lived writer process.
 * The scenarios take turns within an iteration, so background noise spreads over all of them; one
 * untimed round goes first. The floor is a JVM with no flags that appends one line to a file
 * ({@link BareAppend}).
 *
 * <p>WARM: one JVM per scenario runs untimed warm-up rounds, then timed rounds of open, one
 * write, close, on the same home (the database or queue already exists). The floor opens a file,
 * appends the line, closes it.
 */
final class ColdWarmBench implements Benchmark {
  private static final String RECORD_JSON =
      "{\"source\":\"bench\",\"direction\":\"inbound\",\"body\":\"cold record\"}";

  @Override
  public String name() {
    return "coldwarm";
  }

  /** One cold scenario: how to start its JVM for a fresh home, and how to check it wrote. */
  private interface ColdScenario {
    List<String> command(Path home, Path report) throws IOException;

    void verify(Path home, Path report) throws IOException;
  }

  private record Row(String scenario, String topology, LatencyStats stats) {}

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    Map<String, ColdScenario> cold = new LinkedHashMap<>();
    cold.put("bare JVM appends one line (floor)", bare(ctx));
    cold.put(SinkKind.DIRECT_SQLITE.label, writer(ctx, SinkKind.DIRECT_SQLITE));
    cold.put(SinkKind.METADB.label + " (MetaDb in a fresh JVM)", writer(ctx, SinkKind.METADB));
    String recordLabel = "`metadb record` of one event (bin/metadb)";
    cold.put(recordLabel, record(ctx));

    Map<String, LongSamples> coldTimes = new LinkedHashMap<>();
    cold.keySet().forEach(k -> coldTimes.put(k, new LongSamples()));
    System.err.printf("  cold: 1 untimed + %d iterations x %d scenarios%n", ctx.config().coldIterations(), cold.size());
    // One untimed round first: the page cache holds the jars after it, as on any machine that ran
    // the program before, and bin/metadb builds its class-data archive on its first record (the
    // one warm-up a quick run keeps).
    for (var e : cold.entrySet()) {
      if (!ctx.config().quick() || e.getKey().equals(recordLabel)) {
        coldOnce(ctx, e.getKey(), e.getValue());
      }
    }
    for (int i = 0; i < ctx.config().coldIterations(); i++) {
      for (var e : cold.entrySet()) {
        coldTimes.get(e.getKey()).add(coldOnce(ctx, e.getKey(), e.getValue()));
      }
    }

    List<Row> rows = new ArrayList<>();
    coldTimes.forEach((k, v) -> rows.add(new Row("cold first-write", k, LatencyStats.ofNanos(v.toArray()))));
    System.err.printf("  warm: %d timed rounds after %d warm-up%n", ctx.config().warmIterations(), ctx.config().warmupIterations());
    rows.add(warm(ctx, SinkKind.FILE_APPEND));
    rows.add(warm(ctx, SinkKind.DIRECT_SQLITE));
    rows.add(warm(ctx, SinkKind.METADB));
    return List.of(table(ctx, rows, recordLabel));
  }

  private static long coldOnce(BenchContext ctx, String name, ColdScenario scenario) throws Exception {
    Path dir = ctx.freshDir("cold");
    Path home = dir.resolve("home");
    Path report = dir.resolve("report.json");
    Path log = ctx.logFile("cold");
    try {
      long start = System.nanoTime();
      Process p = JvmLauncher.start(scenario.command(home, report), log);
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException(name + ": still running after 2 minutes");
      }
      long nanos = System.nanoTime() - start;
      if (p.exitValue() != 0) {
        throw new IOException(name + ": exited " + p.exitValue() + ":\n" + BenchContext.tail(log, 20));
      }
      scenario.verify(home, report);
      return nanos;
    } finally {
      FileTrees.delete(dir);
    }
  }

  private static ColdScenario bare(BenchContext ctx) {
    return new ColdScenario() {
      @Override
      public List<String> command(Path home, Path report) throws IOException {
        Files.createDirectories(home);
        return ctx.jvm().bareCommand(BareAppend.class, List.of(home.resolve("events.jsonl").toString()));
      }

      @Override
      public void verify(Path home, Path report) throws IOException {
        if (Files.readAllLines(home.resolve("events.jsonl")).size() != 1) {
          throw new IOException("bare JVM did not append its line");
        }
      }
    };
  }

  private static ColdScenario writer(BenchContext ctx, SinkKind kind) {
    return new ColdScenario() {
      @Override
      public List<String> command(Path home, Path report) {
        return ctx.jvm().command(BenchWriter.class.getName(), List.of("--mode", "writes", "--sink", kind.cliName,
            "--home", home.toString(), "--count", "1", "--report", report.toString()));
      }

      @Override
      public void verify(Path home, Path report) throws IOException {
        WriterReport r = WriterReport.read(report);
        if (r.stored() != 1) {
          throw new IOException(kind.label + " cold write not stored: " + r.firstError());
        }
      }
    };
  }

  private static ColdScenario record(BenchContext ctx) {
    return new ColdScenario() {
      @Override
      public List<String> command(Path home, Path report) {
        return List.of(ctx.repoRoot().resolve("bin/metadb").toString(), "record", "messages", "--json", RECORD_JSON,
            "--home", home.toString());
      }

      @Override
      public void verify(Path home, Path report) throws IOException {
        if (!Files.isDirectory(home.resolve("inbox")) && !Files.isDirectory(home.resolve("logs"))) {
          throw new IOException("metadb record exited 0 but wrote neither the inbox nor the spool under " + home);
        }
      }
    };
  }

  private static Row warm(BenchContext ctx, SinkKind kind) throws Exception {
    String label = kind == SinkKind.FILE_APPEND ? "file open-append-close (floor)" : kind.label;
    Path home = ctx.freshDir("warm-" + kind.cliName);
    Path report = home.resolveSibling(home.getFileName() + ".json");
    Path log = ctx.logFile("warm-" + kind.cliName);
    try {
      Process p = JvmLauncher.start(ctx.jvm().command(BenchWriter.class.getName(), List.of("--mode", "warm",
          "--sink", kind.cliName, "--home", home.toString(), "--report", report.toString(),
          "--iterations", Integer.toString(ctx.config().warmIterations()),
          "--warmup", Integer.toString(ctx.config().warmupIterations()))), log);
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("warm " + kind.label + " failed:\n" + BenchContext.tail(log, 20));
      }
      WriterReport r = WriterReport.read(report);
      if (r.stored() != r.attempted()) {
        throw new IOException("warm " + kind.label + ": " + r.stored() + " of " + r.attempted() + " stored: " + r.firstError());
      }
      return new Row("warm open-write", label, LatencyStats.ofNanos(r.latencyNanos()));
    } finally {
      FileTrees.delete(home);
      Files.deleteIfExists(report);
    }
  }

  private static ResultTable table(BenchContext ctx, List<Row> rows, String recordLabel) throws IOException {
    BenchConfig cfg = ctx.config();
    var t = ResultTable.builder("cold-warm", "Cold and warm writes")
        .description("The seed's table. **Cold first-write:** a fresh JVM on a fresh home writes one event and exits; "
            + "timed from process start to exit by the harness, " + cfg.coldIterations() + " iterations per scenario, "
            + "scenarios interleaved, after one untimed round (jars in the page cache; `bin/metadb` builds its class-data "
            + "archive on its first record). `metadb record` runs through `bin/metadb`, as a user runs it. "
            + "**Warm open-write:** inside one running JVM, open + one write + close on an existing "
            + "home, " + cfg.warmIterations() + " timed rounds after " + cfg.warmupIterations() + " warm-up rounds. "
            + "**Floors:** a bare JVM (no flags, JDK classes only) that appends one line to a file; in a warm JVM, "
            + "open + append + close of a file. **Baseline:** " + SinkKind.DIRECT_SQLITE.label
            + " (opens meta.db the seed's way; on a fresh home that includes creating the schema).")
        .columns("Scenario", "Topology", "Iterations", "Median ms", "P95 ms", "Median vs floor", "Median vs baseline");
    Row coldFloor = rows.get(0);
    Row coldBase = find(rows, "cold first-write", SinkKind.DIRECT_SQLITE.label);
    Row warmFloor = find(rows, "warm open-write", "file open-append-close (floor)");
    Row warmBase = find(rows, "warm open-write", SinkKind.DIRECT_SQLITE.label);
    List<String> categories = new ArrayList<>();
    double[] medians = new double[rows.size()];
    double[] p95s = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      boolean cold = r.scenario().startsWith("cold");
      Row floor = cold ? coldFloor : warmFloor;
      Row base = cold ? coldBase : warmBase;
      t.row(r.scenario(), r.topology(), Cells.count(r.stats().count()), Cells.ms(r.stats().medianMs()),
          Cells.ms(r.stats().p95Ms()), r == floor ? "1x" : Cells.ratio(r.stats().medianMs(), floor.stats().medianMs()),
          r == base ? "1x" : r == floor ? "" : Cells.ratio(r.stats().medianMs(), base.stats().medianMs()));
      categories.add((cold ? "cold: " : "warm: ") + shortName(r.topology()));
      medians[i] = r.stats().medianMs();
      p95s[i] = r.stats().p95Ms();
    }
    for (String topology : List.of(SinkKind.DIRECT_SQLITE.label, SinkKind.METADB.label)) {
      Row c = rows.stream().filter(r -> r.scenario().startsWith("cold") && r.topology().startsWith(topology)).findFirst().orElseThrow();
      Row w = find(rows, "warm open-write", topology);
      t.note(topology + ": cold median overhead (cold median - warm median) " + Cells.ms(c.stats().medianMs() - w.stats().medianMs())
          + " ms (the seed reported 4.153 ms for its Rust writer).");
    }
    Row record = find(rows, "cold first-write", recordLabel);
    double ratio = record.stats().medianMs() / coldFloor.stats().medianMs();
    t.note("Target (issue 12), cold `metadb record` (an inbox append) median at most 3x the bare JVM's: "
        + Cells.ratio(record.stats().medianMs(), coldFloor.stats().medianMs()) + ": " + Cells.verdict(ratio <= 3) + ".");
    var series = Charts.series();
    series.put("median", medians);
    series.put("p95", p95s);
    Charts.bars(ctx.dataDir().resolve("cold-warm.png"), "Cold and warm writes", "ms (log scale)", categories, series, true);
    return t.chart("cold-warm.png").build();
  }

  private static String shortName(String topology) {
    if (topology.startsWith("bare JVM") || topology.startsWith("file")) {
      return "floor";
    }
    if (topology.startsWith("`metadb record`")) {
      return "metadb record";
    }
    return topology.startsWith("direct") ? "sqlite" : "metadb";
  }

  private static Row find(List<Row> rows, String scenario, String topology) {
    return rows.stream().filter(r -> r.scenario().equals(scenario) && r.topology().equals(topology)).findFirst().orElseThrow();
  }
}
