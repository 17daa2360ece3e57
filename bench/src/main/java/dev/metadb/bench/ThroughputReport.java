package dev.metadb.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * What a throughput child JVM reports.
 *
 * @param events events processed
 * @param nanos time spent on them, measured inside the JVM (start-up excluded)
 * @param cpuNanos CPU time of the whole JVM (every thread, user + system) over the same span: the
 *     work done, which unlike wall time does not grow while the process waits for a core on a
 *     shared machine
 */
record ThroughputReport(long events, long nanos, long cpuNanos) {
  double perSecond() {
    return events / (nanos / 1e9);
  }

  /** This JVM's CPU time so far, every thread, in nanoseconds. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  void write(Path file) throws IOException {
    WriterReport.JSON.writeValue(file.toFile(), this);
  }

  static ThroughputReport read(Path file) throws IOException {
    return WriterReport.JSON.readValue(file.toFile(), ThroughputReport.class);
  }
}
