package dev.metadb.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Times one whole child process: wall time from start to exit, and its CPU time (user + system,
 * its own children included) as the kernel accounts it. The CPU figure is the growth of this
 * JVM's {@code cutime + cstime} ({@code /proc/self/stat}) across the child's life: the kernel adds
 * a child's times there when it is reaped, so only one child may run at a time. CPU is the steadier
 * figure on a shared machine, where wall time also counts waiting for a core.
 */
final class ProcessTimer {
  /** Clock ticks per second of {@code /proc} times: 100 on every Linux this runs on. */
  private static final double TICKS_PER_SECOND = 100.0;

  /** One finished run: wall and CPU milliseconds (CPU is NaN where /proc is missing), exit code. */
  record Run(double wallMs, double cpuMs, int exit) {}

  private ProcessTimer() {}

  /** Runs {@code command} with {@code env} added, stdout discarded, stderr to {@code log}. */
  static Run run(List<String> command, Map<String, String> env, Path log, long timeoutMinutes)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().putAll(env);
    double cpuBefore = childrenCpuMs();
    long start = System.nanoTime();
    Process process = builder.start();
    if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      throw new IOException("timed out after " + timeoutMinutes + " min: " + String.join(" ", command));
    }
    double wall = (System.nanoTime() - start) / 1e6;
    // waitFor returns once the JVM's reaper has waited for the child: its times are counted.
    return new Run(wall, childrenCpuMs() - cpuBefore, process.exitValue());
  }

  /** This JVM's reaped children's user + system CPU so far, ms (NaN without /proc). */
  static double childrenCpuMs() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // Fields after the command name (which may hold spaces) start at field 3.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 1000 / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
