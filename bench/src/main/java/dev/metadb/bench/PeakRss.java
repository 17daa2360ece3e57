package dev.metadb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A live process's peak resident set size, the kernel's {@code VmHWM} in {@code /proc/PID/status}:
 * the most physical memory it held at once since it started (heap, metaspace, code, mapped files
 * it touched, native libraries). Read it before the process exits.
 */
final class PeakRss {
  private PeakRss() {}

  /** Bytes, or -1 when the process is gone or /proc is missing. */
  static long of(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException gone) {
      return -1;
    }
    return -1;
  }

  /** {@code bytes} as MiB for a table cell ("" when unknown). */
  static String mib(long bytes) {
    return bytes < 0 ? "" : Long.toString(Math.round(bytes / 1048576.0));
  }
}
