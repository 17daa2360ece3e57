package dev.metadb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A live process's peak resident set size, the kernel's {@code VmHWM} in {@code /proc/PID/status}:
 * the most physical memory it held at once since it started (heap, metaspace, code, mapped files
 * it touched, native libraries). Read it before the process exits: once it is reaped the figure
 * is gone, so {@link #untilExit} polls it every few milliseconds while the process runs.
 */
final class PeakRss {
  /** How often {@link #untilExit} reads {@code /proc}: growth in a process's last few ms is missed. */
  private static final long POLL_MILLIS = 5;

  /**
   * One reading, in bytes (-1 when the process is gone or /proc is missing): the peak so far,
   * and the resident set now split into anonymous memory (heap, native allocations, stacks:
   * what the process alone holds) and file-backed pages (jars, libraries, mapped queue files:
   * page cache, shared and reclaimable).
   */
  record Sample(long peak, long anon, long file) {
    static final Sample NONE = new Sample(-1, -1, -1);
  }

  private PeakRss() {}

  /** Bytes, or -1 when the process is gone or /proc is missing. */
  static long of(long pid) {
    return sample(pid).peak();
  }

  /** The current reading of {@code pid}. */
  static Sample sample(long pid) {
    long peak = -1;
    long anon = -1;
    long file = -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          peak = kib(line);
        } else if (line.startsWith("RssAnon:")) {
          anon = kib(line);
        } else if (line.startsWith("RssFile:")) {
          file = kib(line);
        }
      }
    } catch (IOException | RuntimeException gone) {
      return Sample.NONE;
    }
    return new Sample(peak, anon, file);
  }

  private static long kib(String line) {
    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
  }

  /**
   * Polls {@code process} until it exits (killing it after {@code timeoutMinutes}); returns the
   * last reading taken while it ran (its peak is the process's, but for its last few ms).
   */
  static Sample untilExit(Process process, long timeoutMinutes) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(timeoutMinutes);
    Sample last = Sample.NONE;
    while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
      Sample now = sample(process.pid());
      if (now.peak() >= 0) {
        last = now;
      }
      if (System.nanoTime() > deadline) {
        process.destroyForcibly().waitFor();
        throw new IOException("still running after " + timeoutMinutes + " min: " + process.info().commandLine().orElse("?"));
      }
    }
    return last;
  }

  /** {@code bytes} as MiB for a table cell ("" when unknown). */
  static String mib(long bytes) {
    return bytes < 0 ? "" : Long.toString(Math.round(bytes / 1048576.0));
  }
}
