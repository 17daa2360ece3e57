package dev.metadb.bench;

import dev.metadb.writer.FileTrees;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Issue 13's whole-process figures, what a user waits for: {@code metadb query} of
 * {@link QueryScaleBench#SQL} against python3's sqlite3 running the same SQL on meta.db, and
 * {@code metadb query "SELECT 1"} against {@code metadb status}, through {@code bin/metadb}, in
 * interleaved rounds (the machine's drift hits every side alike). Each list holds one run per
 * round. Every metadb process gets a private, empty {@code java.io.tmpdir}; after all of them,
 * one of them killed with SIGKILL mid-query, it must still be empty (no native library unpacked).
 */
record QueryProcesses(ProcessTimer.Run first, List<ProcessTimer.Run> grouped, List<ProcessTimer.Run> python,
    List<ProcessTimer.Run> selectOne, List<ProcessTimer.Run> status, List<String> tmpFilesLeft,
    List<String> nativeLibraries) {

  /** The python3 side: sqlite3 (the standard library's), read-only, every row printed as CSV. */
  private static final String PYTHON_SQLITE = "import sqlite3, sys\n"
      + "c = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)\n"
      + "for row in c.execute(sys.argv[2]):\n"
      + "    print(*row, sep=',')\n";

  /** Runs every process once untimed, the first grouped query, then {@code rounds} rounds and the kill. */
  static QueryProcesses measure(BenchContext ctx, Home home, Path dir, int rounds) throws IOException, InterruptedException {
    Path tmp = Files.createDirectories(dir.resolve("process-tmp"));
    Path log = ctx.logFile("query-processes");
    Map<String, String> env = Map.of("METADB_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp);
    String launcher = ctx.repoRoot().resolve("bin/metadb").toString();
    String homeDir = home.dir().toString();
    List<String> grouped = List.of(launcher, "query", "--home", homeDir, "--format", "csv", QueryScaleBench.SQL);
    List<String> python = List.of("python3", "-c", PYTHON_SQLITE, home.metaDb().toString(), QueryScaleBench.SQL);
    List<String> selectOne = List.of(launcher, "query", "--home", homeDir, "SELECT 1");
    List<String> status = List.of(launcher, "status", "--home", homeDir);

    System.err.println("  whole processes: one untimed run of each (the launcher makes its class-data archive once per build)");
    for (List<String> command : List.of(selectOne, status, python)) {
      run(command, env, log);
    }
    FileTrees.delete(home.snapshotsDir());
    ProcessTimer.Run first = run(grouped, env, log);
    System.err.printf("  whole processes: %d interleaved rounds of metadb query, python3 sqlite3, SELECT 1, status%n", rounds);
    List<ProcessTimer.Run> g = new ArrayList<>();
    List<ProcessTimer.Run> p = new ArrayList<>();
    List<ProcessTimer.Run> s1 = new ArrayList<>();
    List<ProcessTimer.Run> st = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      g.add(run(grouped, env, log));
      p.add(run(python, env, log));
      s1.add(run(selectOne, env, log));
      st.add(run(status, env, log));
    }
    System.err.println("  a metadb query killed with SIGKILL once it has loaded both native libraries");
    FileTrees.delete(home.snapshotsDir());
    ProcessBuilder killed = new ProcessBuilder(grouped).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    killed.environment().putAll(env);
    Process victim = killed.start();
    List<String> natives = nativeLibrariesOnceLoaded(victim);
    victim.destroyForcibly().waitFor();
    try (Stream<Path> files = Files.walk(tmp)) {
      List<String> left = files.filter(f -> !f.equals(tmp)).map(f -> tmp.relativize(f).toString()).sorted().toList();
      return new QueryProcesses(first, g, p, s1, st, left, natives);
    }
  }

  private static ProcessTimer.Run run(List<String> command, Map<String, String> env, Path log)
      throws IOException, InterruptedException {
    ProcessTimer.Run run = ProcessTimer.run(command, env, log, 10);
    if (run.exit() != 0) {
      throw new IOException("exit " + run.exit() + " from " + String.join(" ", command) + ":\n" + BenchContext.tail(log, 20));
    }
    return run;
  }

  /**
   * The files DuckDB's and sqlite-jdbc's native libraries are mapped from in {@code process}
   * ({@code /proc/PID/maps}; the launcher execs the JVM, so the PID is the JVM's), polled until
   * both are there or the process ends.
   */
  private static List<String> nativeLibrariesOnceLoaded(Process process) throws InterruptedException {
    Path maps = Path.of("/proc", Long.toString(process.pid()), "maps");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    List<String> found = List.of();
    while (process.isAlive() && System.nanoTime() < deadline) {
      try (Stream<String> lines = Files.lines(maps)) {
        found = lines.map(line -> line.substring(line.indexOf('/') < 0 ? line.length() : line.indexOf('/')))
            .filter(file -> file.contains("libduckdb_java") || file.contains("sqlitejdbc")).distinct().sorted().toList();
      } catch (IOException | UncheckedIOException e) {
        break;
      }
      if (found.size() >= 2) {
        break;
      }
      Thread.sleep(20);
    }
    return found;
  }

  static LatencyStats wall(List<ProcessTimer.Run> runs) {
    return LatencyStats.ofMillis(runs.stream().mapToDouble(ProcessTimer.Run::wallMs).toArray());
  }

  private static LatencyStats cpu(List<ProcessTimer.Run> runs) {
    return LatencyStats.ofMillis(runs.stream().mapToDouble(ProcessTimer.Run::cpuMs).toArray());
  }

  /** One row of the table: its runs, and the baseline's runs it is set against. */
  private record Side(String label, List<ProcessTimer.Run> runs, List<ProcessTimer.Run> baseline) {}

  /** The median over rounds of {@code a[i] / b[i]}, wall (index 0) and CPU (index 1). */
  private static double[] roundRatios(List<ProcessTimer.Run> a, List<ProcessTimer.Run> b) {
    double[] wall = new double[a.size()];
    double[] cpu = new double[a.size()];
    for (int i = 0; i < a.size(); i++) {
      wall[i] = a.get(i).wallMs() / b.get(i).wallMs();
      cpu[i] = a.get(i).cpuMs() / b.get(i).cpuMs();
    }
    return new double[] {LatencyStats.median(wall), LatencyStats.median(cpu)};
  }

  ResultTable table(int rows, int rounds) throws IOException {
    var t = ResultTable.builder("query-process", "`metadb query` as a process: against python3's sqlite3 and `metadb status`")
        .description("Issue 13: whole processes as a user runs them, through `bin/metadb`, in " + rounds + " interleaved "
            + "rounds (the machine's drift hits every side alike), after one untimed run of each (the launcher makes its "
            + "class-data archive once per build). The grouped query is the table above's, over " + rows + " rows; "
            + "**baseline:** python3's standard `sqlite3` module running the same SQL on meta.db (read-only). "
            + "`SELECT 1` is set against **baseline** `metadb status` on the same home. CPU is user + system time of "
            + "the whole process as the kernel accounts it (the steadier figure on a shared machine); ratios are the "
            + "median over rounds of each round's ratio. Every metadb process runs with a private, empty "
            + "`java.io.tmpdir`.")
        .columns("Process", "Runs", "Median wall ms", "P95 wall ms", "Median CPU ms", "Wall vs baseline", "CPU vs baseline");
    for (Side s : List.of(new Side("python3 sqlite3, grouped query on meta.db (baseline)", python, python),
        new Side("`metadb query`, grouped query (snapshot current)", grouped, python),
        new Side("`metadb status` (baseline)", status, status),
        new Side("`metadb query \"SELECT 1\"`", selectOne, status))) {
      LatencyStats wall = wall(s.runs());
      LatencyStats cpu = cpu(s.runs());
      t.row(s.label(), Cells.count(wall.count()), Cells.ms(wall.medianMs()), Cells.ms(wall.p95Ms()), Cells.ms(cpu.medianMs()),
          Cells.ratio(wall.medianMs(), wall(s.baseline()).medianMs()), Cells.ratio(cpu.medianMs(), cpu(s.baseline()).medianMs()));
    }
    double[] groupedRatio = roundRatios(grouped, python);
    double[] selectRatio = roundRatios(selectOne, status);
    t.note("Target (issue 13), the grouped query as a whole `metadb query` process within 2x of python3's sqlite3: "
        + String.format(Locale.ROOT, "%.2fx wall, %.2fx CPU (median of per-round ratios)", groupedRatio[0], groupedRatio[1])
        + ": " + Cells.verdict(groupedRatio[0] <= 2) + ".");
    t.note("Target (issue 13), `metadb query \"SELECT 1\"` within 3x of `metadb status`'s wall time: "
        + String.format(Locale.ROOT, "%.2fx wall, %.2fx CPU", selectRatio[0], selectRatio[1]) + ": "
        + Cells.verdict(selectRatio[0] <= 3) + ".");
    t.note("Target (issue 13), no native library unpacked and no file left in `java.io.tmpdir` by any metadb process ("
        + (3 * rounds + 3) + " runs plus 1 killed with SIGKILL mid-query): " + (tmpFilesLeft.isEmpty() ? "0 files: met"
        : tmpFilesLeft.size() + " files (" + String.join(", ", tmpFilesLeft) + "): **NOT met**") + ".");
    boolean inPlace = nativeLibraries.size() == 2
        && nativeLibraries.stream().noneMatch(f -> f.startsWith(System.getProperty("java.io.tmpdir")))
        && nativeLibraries.stream().allMatch(f -> f.contains("/lib/"));
    t.note("The killed process had its native libraries mapped from " + (nativeLibraries.isEmpty() ? "(none seen)"
        : nativeLibraries.stream().map(f -> "`" + f + "`").collect(Collectors.joining(", ")))
        + ": " + (inPlace ? "the distribution's lib/, loaded in place" : "**not the distribution's lib/**") + ".");
    t.note("Load average when the table was written: " + RunInfo.loadAverage() + ".");
    if (!tmpFilesLeft.isEmpty() || !inPlace) {
      throw new IOException("metadb processes unpacked a native library (files left in their java.io.tmpdir: " + tmpFilesLeft
          + "; libraries mapped from " + nativeLibraries + ")");
    }
    return t.build();
  }
}
