package dev.metadb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where and how a run was made: printed at the top of the report so a figure can be traced to its
 * machine, JVM, commit and command.
 *
 * @param fields label to value, in report order
 */
record RunInfo(Map<String, String> fields) {

  static RunInfo collect(String command, BenchContext ctx) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("command", "`" + command + "`");
    f.put("date (UTC)", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    f.put("commit", git(ctx.repoRoot()));
    f.put("machine", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + memory()
        + " (shared with other engineers' builds and tests: a noisy machine)");
    f.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    f.put("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
        + " (" + System.getProperty("java.vm.vendor") + ")");
    f.put("writer JVM flags", "`" + String.join(" ", ctx.jvm().flags()) + "`");
    f.put("load average at start", loadAverage());
    f.put("mode", ctx.config().quick() ? "--quick (smoke run: counts too small for the figures to mean anything)" : "full");
    return new RunInfo(f);
  }

  /** This info with {@code label: value} added at the end (e.g. the load when the run ended). */
  RunInfo with(String label, String value) {
    Map<String, String> f = new LinkedHashMap<>(fields);
    f.put(label, value);
    return new RunInfo(f);
  }

  /** The 1, 5 and 15 minute load averages: how busy the shared machine was (2 cores: 2.0 is full). */
  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " / " + parts[1] + " / " + parts[2] + " (1 / 5 / 15 min)";
    } catch (IOException | ArrayIndexOutOfBoundsException e) {
      return "unknown";
    }
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (IOException e) {
      // not Linux: the architecture is all we know
    }
    return System.getProperty("os.arch");
  }

  private static String memory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return Math.round(kib / 1024.0 / 1024.0) + " GiB RAM";
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through
    }
    return "unknown RAM";
  }

  private static String git(Path root) {
    try {
      String head = run(root, List.of("git", "rev-parse", "--short", "HEAD"));
      String dirty = run(root, List.of("git", "status", "--porcelain", "--untracked-files=no"));
      return head.strip() + (dirty.isBlank() ? "" : " (with uncommitted changes)");
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown (interrupted)";
    }
  }

  private static String run(Path dir, List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.strip());
    }
    return out;
  }
}
