package dev.metadb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every benchmark gets: its sizes, the way to start JVMs, and where to put things
 * ({@code repoRoot/bin/metadb} is the launcher the cold-record figure runs).
 *
 * <pre>
 * workDir/NAME-K/      a fresh home (or scratch dir) per run, deleted by the benchmark after use
 * workDir/logs/NAME-K.log   each child JVM's stdout+stderr, kept for a failed run's diagnosis
 * dataDir/ID.csv|json|png   a table's raw figures and charts (the report links to them)
 * </pre>
 */
record BenchContext(
    BenchConfig config, JvmLauncher jvm, Path repoRoot, Path workDir, Path dataDir) {

  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  /** A new empty directory under the work dir. */
  Path freshDir(String name) throws IOException {
    return Files.createDirectories(workDir.resolve(name + "-" + SEQUENCE.incrementAndGet()));
  }

  /** A new log file for one child process. */
  Path logFile(String name) throws IOException {
    Path logs = Files.createDirectories(workDir.resolve("logs"));
    return logs.resolve(name + "-" + SEQUENCE.incrementAndGet() + ".log");
  }

  /** The last lines of a child's log, for an error message. */
  static String tail(Path log, int lines) {
    try {
      var all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }
}
