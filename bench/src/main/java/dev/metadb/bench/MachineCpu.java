package dev.metadb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the whole machine was between two readings of {@code /proc/stat}'s "cpu" line: the
 * share of all cores' time not idle (idle and iowait count as idle). It shows what a run really
 * ran against on a shared machine, whoever used the cores. NaN where /proc/stat is missing.
 */
record MachineCpu(long busy, long total) {
  static MachineCpu read() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new MachineCpu(total - idle, total);
    } catch (IOException | RuntimeException e) {
      return new MachineCpu(0, 0);
    }
  }

  /** Busy share from {@code start} to this reading, 0..1. */
  double busySince(MachineCpu start) {
    long t = total - start.total;
    return t <= 0 ? Double.NaN : (double) (busy - start.busy) / t;
  }
}
