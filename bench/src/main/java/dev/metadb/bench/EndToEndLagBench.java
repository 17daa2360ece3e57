package dev.metadb.bench;

import dev.metadb.event.Table;
import dev.metadb.writer.FileTrees;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Issue 3's end-to-end lag: writer processes append at a steady rate (well under the ingester's
 * capacity, so this is the lag of a healthy system, not a backlog) and a {@link CommitWatcher}
 * polling every 2 ms measures append to committed, visible row. Baseline: the same writers
 * inserting straight into SQLite, whose lag is their own commit wait.
 */
final class EndToEndLagBench implements Benchmark {
  private static final long POLL_MILLIS = 2;

  @Override
  public String name() {
    return "lag";
  }

  private record Run(SinkKind kind, long attempted, LatencyStats lag) {}

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    List<Run> runs = new ArrayList<>();
    runs.add(runOnce(ctx, SinkKind.DIRECT_SQLITE));
    runs.add(runOnce(ctx, SinkKind.METADB));
    runs.add(runOnce(ctx, SinkKind.INBOX));
    return List.of(table(ctx, runs));
  }

  private Run runOnce(BenchContext ctx, SinkKind kind) throws Exception {
    BenchConfig cfg = ctx.config();
    System.err.printf("  %s: %d writers x %d events/s for %d ms%n", kind.label, cfg.lagWriters(), cfg.lagRatePerWriter(), cfg.lagMillis());
    Path home = ctx.freshDir("lag-" + kind.cliName);
    Path db = home.resolve("meta.db");
    IngesterProcess ingester = null;
    try {
      if (kind != SinkKind.DIRECT_SQLITE) {
        ingester = IngesterProcess.start(ctx, home);
      } else {
        SeedDatabase.openForWriting(db).close();
      }
      try (RowCounter rows = RowCounter.await(db, Duration.ofSeconds(30), null)) {
        CommitWatcher watcher = new CommitWatcher(rows.connection(), Table.MESSAGES.sqlName());
        // Warm-up: one event per writer, so the writer slots exist and the ingester tails them, as
        // in a system that has been running; their rows are not measured.
        WriterFleet.Result warm = WriterFleet.start(ctx, "lag-warmup-" + kind.cliName, cfg.lagWriters(), k -> List.of(
            "--mode", "writes", "--sink", kind.cliName, "--home", home.toString(), "--tables", "messages",
            "--count", "1")).await(Duration.ofMinutes(2));
        if (ingester != null && ingester.awaitRows(List.of(Table.MESSAGES), warm.stored(), Duration.ofSeconds(60)) < 0) {
          throw new IllegalStateException(kind.label + ": warm-up rows did not land");
        }
        watcher.skipVisible();
        WriterFleet fleet = WriterFleet.start(ctx, "lag-" + kind.cliName, cfg.lagWriters(), k -> List.of(
            "--mode", "writes", "--sink", kind.cliName, "--home", home.toString(), "--tables", "messages",
            "--duration-ms", Long.toString(cfg.lagMillis()), "--rate", Integer.toString(cfg.lagRatePerWriter())));
        while (fleet.running()) {
          watcher.poll();
          TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        WriterFleet.Result written = fleet.await(Duration.ofMinutes(1));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (watcher.seen() < written.stored() && System.nanoTime() < deadline) {
          watcher.poll();
          TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
        if (watcher.seen() != written.stored()) {
          throw new IllegalStateException(kind.label + ": " + watcher.seen() + " rows visible of " + written.stored() + " stored");
        }
        return new Run(kind, written.attempted(), LatencyStats.ofNanos(watcher.lagNanos()));
      }
    } finally {
      if (ingester != null) {
        ingester.close();
      }
      FileTrees.delete(home);
    }
  }

  private static ResultTable table(BenchContext ctx, List<Run> runs) {
    BenchConfig cfg = ctx.config();
    var t = ResultTable.builder("end-to-end-lag", "End-to-end lag: append to committed row")
        .description("Issue 3: " + cfg.lagWriters() + " writer processes each append " + cfg.lagRatePerWriter()
            + " `messages` events/s for " + cfg.lagMillis() / 1000.0 + " s. A reader polls meta.db every " + POLL_MILLIS
            + " ms for new rows; lag = when a row first became visible - its `ts_utc` (stamped by the writer). A warm-up "
            + "round (one event per writer, not measured) first creates the writer slots and lets the ingester find them, "
            + "as in a running system. "
            + "**Baseline:** " + SinkKind.DIRECT_SQLITE.label + ", where a row is visible once its own insert commits. "
            + "**metadb:** append to the queue, the ingester batches and commits. **metadb inbox:** append one line "
            + "to an inbox file (`Inbox`, one write(), what `metadb record` and the bash/python functions do); the "
            + "ingester finds it, tails it and commits.")
        .columns("Topology", "Writers", "Events", "P50 ms", "P99 ms", "Max ms", "P99 vs baseline");
    Run base = runs.get(0);
    for (Run r : runs) {
      t.row(r.kind().label, Cells.count(cfg.lagWriters()), Cells.count(r.attempted()), Cells.ms(r.lag().medianMs()),
          Cells.ms(r.lag().p99Ms()), Cells.ms(r.lag().maxMs()), r == base ? "1x" : Cells.ratio(r.lag().p99Ms(), base.lag().p99Ms()));
      if (r.kind() == SinkKind.METADB) {
        t.note("Target (issue 3), metadb lag p99 under 200 ms: " + Cells.ms(r.lag().p99Ms()) + " ms: "
            + Cells.verdict(r.lag().p99Ms() < 200) + ".");
      }
      if (r.kind() == SinkKind.INBOX) {
        t.note("Target (issue 12), inbox append to committed row p99 under 100 ms: " + Cells.ms(r.lag().p99Ms()) + " ms: "
            + Cells.verdict(r.lag().p99Ms() < 100) + ".");
      }
    }
    return t.build();
  }
}
