package dev.metadb.bench;

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
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * One timed side of {@link ReplayBench}, in its own JVM: {@code ReplayBenchProbe ingest|replay
 * HOME}. Prints {@code <rows> <nanos>} on stdout. meta.db is created (schema gate) before the
 * clock starts, so both sides time only their inserts.
 */
public final class ReplayBenchProbe {
  /** Rows written and the time taken. */
  record Result(long count, long nanos) {
    double seconds() {
      return nanos / 1e9;
    }

    static Result parse(String line) {
      String[] parts = line.trim().split("\\s+");
      return new Result(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
    }
  }

  private ReplayBenchProbe() {}

  public static void main(String[] args) throws Exception {
    Home home = new Home(Path.of(args[1]));
    try (MetaDatabase created = MetaDatabase.open(home.metaDb())) {
      created.schemaVersion();
    }
    long rows;
    long nanos;
    if (args[0].equals("ingest")) {
      try (Ingester ingester = Ingester.open(home, IngestOptions.DEFAULTS, line -> System.err.println("ingest: " + line))) {
        long start = System.nanoTime();
        IngestStats stats = ingester.drain();
        nanos = System.nanoTime() - start;
        rows = stats.inserted();
      }
    } else {
      ReplayRequest request = ReplayRequest.of(
          home, SpoolFiles.inHome(home).stream().map(ReplaySource::spool).toList(), false).withSettle(Duration.ZERO);
      long start = System.nanoTime();
      ReplaySummary summary = Replay.run(request, ReplayProgress.NONE, line -> System.err.println("replay: " + line));
      nanos = System.nanoTime() - start;
      if (summary.failure() != null) {
        throw new IllegalStateException(summary.failure());
      }
      rows = summary.inserted();
    }
    System.out.println(String.format(Locale.ROOT, "%d %d", rows, nanos));
    System.exit(0);
  }
}
