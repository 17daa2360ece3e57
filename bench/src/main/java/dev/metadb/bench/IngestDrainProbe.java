package dev.metadb.bench;

import dev.metadb.event.Table;
import dev.metadb.ingester.IngestOptions;
import dev.metadb.ingester.IngestStats;
import dev.metadb.ingester.Ingester;
import dev.metadb.replay.Replay;
import dev.metadb.replay.ReplayProgress;
import dev.metadb.replay.ReplayRequest;
import dev.metadb.replay.ReplaySource;
import dev.metadb.replay.ReplaySummary;
import dev.metadb.replay.SpoolFiles;
import dev.metadb.store.MetaDatabase;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Times a pre-filled home's events going into an empty meta.db in this JVM, with default options
 * (batch size, latency bound), as an operator would run it. {@code --via ingest}: {@code
 * Ingester.open} (lock, meta.db, schema, slot scan) untimed, then {@code drain()} timed, which is
 * what {@code metadb ingest --once} runs. {@code --via replay}: meta.db created untimed, then
 * {@code Replay.run} over the home's spool files timed, what {@code metadb replay} runs.
 *
 * <p>Usage: {@code --home DIR --via ingest|replay --report FILE}; the report's events are the
 * rows inserted.
 */
public final class IngestDrainProbe {
  private IngestDrainProbe() {}

  public static void main(String[] argv) throws Exception {
    MainArgs args = MainArgs.parse(argv);
    Home home = new Home(args.path("home"));
    ThroughputReport report = switch (args.string("via")) {
      case "ingest" -> ingest(home);
      case "replay" -> replay(home);
      default -> throw new IllegalArgumentException("--via must be ingest or replay, not " + args.string("via"));
    };
    report.write(args.path("report"));
    System.exit(0);
  }

  /**
   * Runs this probe on {@code home} in a fresh JVM and returns its report, failing unless exactly
   * {@code expected} rows were inserted and are in meta.db.
   */
  static ThroughputReport measure(BenchContext ctx, Path home, String via, long expected) throws Exception {
    Path report = home.resolveSibling(home.getFileName() + "-" + via + ".json");
    try {
      JvmLauncher.runToEnd(ctx.jvm().command(IngestDrainProbe.class.getName(),
          List.of("--home", home.toString(), "--via", via, "--report", report.toString())), ctx.logFile(via), via);
      ThroughputReport r = ThroughputReport.read(report);
      try (RowCounter rows = RowCounter.await(new Home(home).metaDb(), Duration.ofSeconds(10), null)) {
        long landed = rows.count(Arrays.asList(Table.values()));
        if (r.events() != expected || landed != expected) {
          throw new IOException(via + ": " + r.events() + " rows inserted, " + landed + " in meta.db, of " + expected + " events");
        }
      }
      return r;
    } finally {
      Files.deleteIfExists(report);
    }
  }

  private static ThroughputReport ingest(Home home) throws Exception {
    try (Ingester ingester = Ingester.open(home, IngestOptions.DEFAULTS, line -> System.err.println("ingest: " + line))) {
      long start = System.nanoTime();
      long cpuStart = ThroughputReport.processCpuNanos();
      IngestStats stats = ingester.drain();
      long nanos = System.nanoTime() - start;
      long cpuNanos = ThroughputReport.processCpuNanos() - cpuStart;
      System.err.println("ingest: " + stats);
      return new ThroughputReport(stats.inserted(), nanos, cpuNanos);
    }
  }

  private static ThroughputReport replay(Home home) throws Exception {
    try (MetaDatabase created = MetaDatabase.open(home.metaDb())) {
      created.schemaVersion();
    }
    ReplayRequest request = ReplayRequest.of(
        home, SpoolFiles.inHome(home).stream().map(ReplaySource::spool).toList(), false).withSettle(Duration.ZERO);
    long start = System.nanoTime();
    long cpuStart = ThroughputReport.processCpuNanos();
    ReplaySummary summary = Replay.run(request, ReplayProgress.NONE, line -> System.err.println("replay: " + line));
    long nanos = System.nanoTime() - start;
    long cpuNanos = ThroughputReport.processCpuNanos() - cpuStart;
    if (summary.failure() != null) {
      throw new IllegalStateException(summary.failure());
    }
    return new ThroughputReport(summary.inserted(), nanos, cpuNanos);
  }
}
