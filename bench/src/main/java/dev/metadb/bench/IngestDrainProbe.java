package dev.metadb.bench;

import dev.metadb.ingester.IngestOptions;
import dev.metadb.ingester.IngestStats;
import dev.metadb.ingester.Ingester;
import dev.metadb.writer.Home;

/**
 * Times the ingester draining a pre-filled home in this JVM: {@code Ingester.open} (lock, meta.db,
 * schema, slot scan) untimed, then {@code drain()} timed, which is what {@code metadb ingest
 * --once} runs. Default options (batch size, latency bound), as an operator would run it.
 *
 * <p>Usage: {@code --home DIR --report FILE}; the report's events are the rows inserted.
 */
public final class IngestDrainProbe {
  private IngestDrainProbe() {}

  public static void main(String[] argv) throws Exception {
    MainArgs args = MainArgs.parse(argv);
    IngestStats stats;
    long nanos;
    try (Ingester ingester = Ingester.open(new Home(args.path("home")), IngestOptions.DEFAULTS,
        line -> System.err.println("ingest: " + line))) {
      long start = System.nanoTime();
      stats = ingester.drain();
      nanos = System.nanoTime() - start;
    }
    System.err.println("ingest: " + stats);
    new ThroughputReport(stats.inserted(), nanos).write(args.path("report"));
    System.exit(0);
  }
}
