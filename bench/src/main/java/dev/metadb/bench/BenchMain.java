package dev.metadb.bench;

import dev.metadb.writer.FileTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code bin/metadb-bench}: runs every benchmark, prints each table to stdout as it completes
 * (progress goes to stderr), and writes the report: {@code OUT/benchmarks.md} plus
 * {@code OUT/benchmarks/} with each table's CSV, JSON and charts.
 *
 * <p>A full run writes to {@code docs/} (the published figures); a {@code --quick} run to
 * {@code bench/target/bench-quick/}, so CI never overwrites them. Exit 0 when every benchmark ran
 * and its tables were written, 1 when one failed (the others still run and are reported), 2 on bad
 * usage.
 */
@Command(
    name = "metadb-bench",
    mixinStandardHelpOptions = true,
    description = "Runs metadb's benchmarks side by side with the seed's topology (writers straight into SQLite) "
        + "and writes docs/benchmarks.md with raw CSV/JSON and PNG charts.",
    footer = {"", "Examples:",
        "  bin/metadb-bench                  full run (minutes); writes docs/",
        "  bin/metadb-bench --quick          smoke run (~1 min); bench/target/bench-quick/",
        "  bin/metadb-bench --quick --only writers,coldwarm --out /tmp/bench", ""})
public final class BenchMain implements Callable<Integer> {
  @Option(names = "--quick", description = "small counts: checks every path in about a minute; the figures mean nothing")
  boolean quick;

  @Option(names = "--out", paramLabel = "DIR", description = "where benchmarks.md and benchmarks/ go "
      + "(default: docs for a full run, bench/target/bench-quick for --quick)")
  Path out;

  @Option(names = "--work", paramLabel = "DIR", description = "scratch space for homes and logs (default: bench/target/bench-work)")
  Path work;

  @Option(names = "--only", split = ",", paramLabel = "NAME",
      description = "run only these benchmarks: writers, steady, inbox, reads, coldwarm, append, lag, throughput, replay, query, retention, lake")
  List<String> only;

  static List<Benchmark> all() {
    return List.of(new ConcurrentWritersBench(), new SteadyStateBench(), new InboxWritersBench(), new ReadsUnderLoadBench(), new ColdWarmBench(),
        new AppendLatencyBench(), new EndToEndLagBench(), new ThroughputBench(), new ReplayThroughputBench(), new QueryScaleBench(),
        new RetentionSoakBench(), new LakeBench(), new MemoryBench());
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return new CommandLine(new BenchMain()).execute(args);
  }

  @Override
  public Integer call() throws Exception {
    List<Benchmark> selected = new ArrayList<>();
    for (Benchmark b : all()) {
      if (only == null || only.contains(b.name())) {
        selected.add(b);
      }
    }
    if (only != null && selected.size() != only.size()) {
      System.err.println("unknown benchmark in --only " + only + " (names: "
          + String.join(", ", all().stream().map(Benchmark::name).toList()) + ")");
      return 2;
    }
    Path root = Path.of(System.getProperty("metadb.root", ".")).toAbsolutePath().normalize();
    Path outDir = out != null ? out : root.resolve(quick ? "bench/target/bench-quick" : "docs");
    Path workDir = work != null ? work : root.resolve("bench/target/bench-work");
    FileTrees.delete(workDir);
    Files.createDirectories(workDir);
    Path dataDir = Files.createDirectories(outDir.resolve(Report.DATA_DIR));
    BenchContext ctx = new BenchContext(quick ? BenchConfig.quickRun() : BenchConfig.fullRun(), JvmLauncher.ofCurrentJvm(),
        root, workDir, dataDir);
    String command = System.getProperty("metadb.bench.command",
        "bin/metadb-bench" + (quick ? " --quick" : "") + (out != null ? " --out " + out : ""));
    RunInfo info = RunInfo.collect(command, ctx);

    List<ResultTable> tables = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (Benchmark b : selected) {
      System.err.println("== " + b.name());
      long start = System.nanoTime();
      try {
        for (ResultTable table : b.run(ctx)) {
          tables.add(table);
          Report.writeRaw(table, dataDir);
          System.out.println(Report.text(table));
          System.out.flush();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw e;
      } catch (Exception e) {
        failures.add("`" + b.name() + "` failed: " + e);
        System.err.println("benchmark " + b.name() + " failed:");
        e.printStackTrace(System.err);
      }
      System.err.printf("   %s took %.1f s%n", b.name(), (System.nanoTime() - start) / 1e9);
    }
    Path markdown = outDir.resolve("benchmarks.md");
    Report.writeMarkdown(markdown, info.with("load average at end", RunInfo.loadAverage()), tables, failures, only != null);
    System.err.println("wrote " + markdown + " and " + dataDir);
    return failures.isEmpty() ? 0 : 1;
  }
}
