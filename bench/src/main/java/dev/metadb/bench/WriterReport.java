package dev.metadb.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What one benchmark writer JVM reports to the harness, as one JSON file.
 *
 * @param writerId the writer's number within its fleet
 * @param pid the writer process
 * @param sink the sink's CLI name ({@link SinkKind#cliName})
 * @param attempted writes attempted
 * @param stored writes in durable storage (committed row or queue entry)
 * @param spooled writes that went to the error spool
 * @param failed writes lost to the caller, lock errors included
 * @param lockErrors failures caused by a lock wait running out (a subset of failed), plus a
 *     failed open caused by one
 * @param openNanos time to open the sink (first open of the process)
 * @param closeNanos time to close it
 * @param latencyNanos each timed operation, in order (a write; or open+write+close when warm)
 * @param firstError the first failure's message, or null
 */
record WriterReport(
    int writerId,
    long pid,
    String sink,
    long attempted,
    long stored,
    long spooled,
    long failed,
    long lockErrors,
    long openNanos,
    long closeNanos,
    long[] latencyNanos,
    String firstError) {

  static final ObjectMapper JSON = new ObjectMapper();

  void write(Path file) throws IOException {
    JSON.writeValue(file.toFile(), this);
  }

  static WriterReport read(Path file) throws IOException {
    return JSON.readValue(file.toFile(), WriterReport.class);
  }
}
