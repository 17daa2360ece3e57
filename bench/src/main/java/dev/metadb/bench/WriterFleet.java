package dev.metadb.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * N {@link BenchWriter} JVMs started together (one {@code fork} after another, no waiting in
 * between) and waited for. The wall time runs from just before the first start to the last exit,
 * so it includes every JVM's start-up and its sink's open: what a burst of short-lived writer
 * processes costs.
 *
 * <p>The writes themselves start together: each writer opens its sink, reports ready and waits
 * for a go file, which a releaser thread creates once every writer is ready. Per-write latency
 * then measures writes contending with writes (for SQLite's lock, or not at all), not a write
 * preempted by 31 other JVMs still starting up on a 2-core machine.
 */
final class WriterFleet {
  private final List<Process> processes;
  private final List<Path> reports;
  private final List<Path> logs;
  private final long startNanos;

  private WriterFleet(List<Process> processes, List<Path> reports, List<Path> logs, long startNanos) {
    this.processes = processes;
    this.reports = reports;
    this.logs = logs;
    this.startNanos = startNanos;
  }

  /**
   * Starts {@code writers} writers; {@code argsFor.apply(k)} gives writer k's arguments (without
   * {@code --writer-id} and {@code --report}, which are added here).
   */
  static WriterFleet start(BenchContext ctx, String name, int writers, IntFunction<List<String>> argsFor)
      throws IOException {
    return start(ctx, name, writers, argsFor, ctx.jvm()::command);
  }

  /** As {@link #start(BenchContext, String, int, IntFunction)}, each JVM's command line made by {@code launch}. */
  static WriterFleet start(BenchContext ctx, String name, int writers, IntFunction<List<String>> argsFor, Launch launch)
      throws IOException {
    return startProcesses(ctx, name, writers, (k, report, go) -> {
      List<String> args = new ArrayList<>(argsFor.apply(k));
      args.addAll(List.of("--writer-id", Integer.toString(k), "--report", report.toString(), "--go-file", go.toString()));
      return launch.command(BenchWriter.class.getName(), args);
    });
  }

  /** A writer JVM's whole command line, given its main class and arguments ({@link JvmLauncher}'s). */
  interface Launch {
    List<String> command(String mainClass, List<String> args);
  }

  /** Writer k's whole command line, given the report file it writes and the go file it waits for. */
  interface CommandFor {
    List<String> command(int k, Path report, Path go);
  }

  /**
   * Starts {@code writers} processes of any kind (the non-JVM writers too) that follow {@link
   * BenchWriter}'s protocol: create {@code go.ready-K} when open, wait for {@code go}, write, then
   * write a {@link WriterReport} as JSON to the report file.
   */
  static WriterFleet startProcesses(BenchContext ctx, String name, int writers, CommandFor commandFor) throws IOException {
    Path dir = ctx.freshDir(name + "-reports");
    Path go = dir.resolve("go");
    List<List<String>> commands = new ArrayList<>();
    List<Path> reports = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    for (int k = 0; k < writers; k++) {
      Path report = dir.resolve("writer-" + k + ".json");
      commands.add(commandFor.command(k, report, go));
      reports.add(report);
      logs.add(ctx.logFile(name + "-writer-" + k));
    }
    List<Process> processes = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int k = 0; k < writers; k++) {
        processes.add(JvmLauncher.start(commands.get(k), logs.get(k)));
      }
    } catch (IOException e) {
      processes.forEach(Process::destroyForcibly);
      throw e;
    }
    releaseWhenReady(go, writers, processes);
    return new WriterFleet(processes, reports, logs, start);
  }

  /** Creates {@code go} once all writers are ready, or once any has exited (it failed to open). */
  private static void releaseWhenReady(Path go, int writers, List<Process> processes) {
    Thread releaser = new Thread(() -> {
      try {
        while (true) {
          long ready;
          try (var files = java.nio.file.Files.list(go.getParent())) {
            ready = files.filter(f -> f.getFileName().toString().startsWith("go.ready-")).count();
          }
          if (ready >= writers || processes.stream().anyMatch(p -> !p.isAlive())) {
            break;
          }
          TimeUnit.MILLISECONDS.sleep(2);
        }
        java.nio.file.Files.createFile(go);
      } catch (IOException | InterruptedException e) {
        processes.forEach(Process::destroyForcibly);
      }
    }, "writer-fleet-go");
    releaser.setDaemon(true);
    releaser.start();
  }

  boolean running() {
    return processes.stream().anyMatch(Process::isAlive);
  }

  /** Waits for every writer, then reads their reports. A writer that failed is an error. */
  Result await(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Process p : processes) {
      if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        processes.forEach(Process::destroyForcibly);
        throw new IOException("writers still running after " + timeout + "; see " + logs.get(0).getParent());
      }
    }
    long wall = System.nanoTime() - startNanos;
    List<WriterReport> results = new ArrayList<>();
    for (int k = 0; k < processes.size(); k++) {
      int exit = processes.get(k).exitValue();
      if (exit != 0) {
        throw new IOException("writer " + k + " exited " + exit + ":\n" + BenchContext.tail(logs.get(k), 20));
      }
      results.add(WriterReport.read(reports.get(k)));
    }
    return new Result(wall, results, System.nanoTime());
  }

  /**
   * @param wallNanos first start to last exit
   * @param reports one per writer
   * @param endNanos {@code System.nanoTime()} when the last writer had exited
   */
  record Result(long wallNanos, List<WriterReport> reports, long endNanos) {
    long attempted() {
      return reports.stream().mapToLong(WriterReport::attempted).sum();
    }

    long stored() {
      return reports.stream().mapToLong(WriterReport::stored).sum();
    }

    long spooled() {
      return reports.stream().mapToLong(WriterReport::spooled).sum();
    }

    long failed() {
      return reports.stream().mapToLong(WriterReport::failed).sum();
    }

    long lockErrors() {
      return reports.stream().mapToLong(WriterReport::lockErrors).sum();
    }

    LatencyStats latency() {
      return LatencyStats.ofNanos(LatencyStats.concat(reports.stream().map(WriterReport::latencyNanos).toList()));
    }

    LatencyStats open() {
      return LatencyStats.ofNanos(reports.stream().mapToLong(WriterReport::openNanos).toArray());
    }

    String firstError() {
      return reports.stream().map(WriterReport::firstError).filter(e -> e != null).findFirst().orElse(null);
    }
  }
}
