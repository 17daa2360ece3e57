package dev.metadb.bench;

import java.io.IOException;
import java.nio.file.Path;

/**
 * What a throughput child JVM reports.
 *
 * @param events events processed
 * @param nanos time spent on them, measured inside the JVM (start-up excluded)
 */
record ThroughputReport(long events, long nanos) {
  double perSecond() {
    return events / (nanos / 1e9);
  }

  void write(Path file) throws IOException {
    WriterReport.JSON.writeValue(file.toFile(), this);
  }

  static ThroughputReport read(Path file) throws IOException {
    return WriterReport.JSON.readValue(file.toFile(), ThroughputReport.class);
  }
}
