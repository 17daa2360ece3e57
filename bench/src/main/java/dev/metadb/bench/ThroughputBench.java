package dev.metadb.bench;

import dev.metadb.event.Table;
import dev.metadb.writer.FileTrees;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Issue 3's throughput: the ingester draining a pre-filled queue of N mixed events (all 16 tables)
 * against the raw sqlite-jdbc batched insert of the same N rows ({@link RawInsertCeiling}), both
 * in this run, on the same disk.
 *
 * <p>Both are timed inside their own JVM, start-up excluded: the ceiling around its inserts
 * ({@link RawInsertCeiling}), the ingester around {@code drain()} ({@link IngestDrainProbe}), the
 * work {@code metadb ingest --once} does.
 */
final class ThroughputBench implements Benchmark {
  @Override
  public String name() {
    return "throughput";
  }

  private record Row(String stage, long events, double seconds, String how) {
    double perSecond() {
      return events / seconds;
    }
  }

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    int events = ctx.config().throughputEvents();
    List<Row> rows = new ArrayList<>();
    rows.add(raw(ctx, events));
    rows.add(ingest(ctx, events, QueuePrefill.class, "metadb ingest: queue -> meta.db"));
    rows.add(ingest(ctx, events, InboxPrefill.class, "metadb ingest: inbox file -> meta.db"));
    List<ResultTable> tables = new ArrayList<>();
    tables.add(table(ctx, rows));
    return tables;
  }

  private static Row raw(BenchContext ctx, int events) throws Exception {
    System.err.printf("  raw sqlite-jdbc batched insert of %d rows%n", events);
    Path dir = ctx.freshDir("raw");
    Path report = dir.resolve("report.json");
    Path log = ctx.logFile("raw");
    try {
      JvmLauncher.runToEnd(ctx.jvm().command(RawInsertCeiling.class.getName(), List.of(
          "--db", dir.resolve("meta.db").toString(), "--count", Integer.toString(events),
          "--batch", Integer.toString(ctx.config().rawBatchSize()), "--report", report.toString())), log, "raw insert");
      try (RowCounter rows = RowCounter.await(dir.resolve("meta.db"), Duration.ofSeconds(10), null)) {
        long landed = rows.count(Arrays.asList(Table.values()));
        if (landed != events) {
          throw new IOException("raw insert: " + landed + " rows of " + events);
        }
      }
      ThroughputReport r = ThroughputReport.read(report);
      return new Row("raw sqlite-jdbc batched insert (ceiling)", events, r.nanos() / 1e9,
          "insert time inside the JVM, " + ctx.config().rawBatchSize() + " rows per transaction");
    } finally {
      FileTrees.delete(dir);
    }
  }

  private static Row ingest(BenchContext ctx, int events, Class<?> prefill, String stage) throws Exception {
    System.err.printf("  %s: pre-filling with %d events%n", stage, events);
    Path home = ctx.freshDir("ingest");
    try {
      QueuePrefill.fill(ctx, prefill, home, events);
      ThroughputReport r = IngestDrainProbe.measure(ctx, home, "ingest", events);
      return new Row(stage, r.events(), r.nanos() / 1e9,
          "`Ingester.drain()` inside the JVM, default batch size");
    } finally {
      FileTrees.delete(home);
    }
  }

  private static ResultTable table(BenchContext ctx, List<Row> rows) throws IOException {
    var t = ResultTable.builder("ingest-throughput", "Ingest throughput against the raw SQLite ceiling")
        .description("Issue 3: " + ctx.config().throughputEvents() + " mixed events (all 16 tables, time-ordered ids). "
            + "**Baseline (ceiling):** the same rows inserted through sqlite-jdbc as fast as it goes, prepared "
            + "`INSERT OR IGNORE` per table, " + ctx.config().rawBatchSize() + " rows per `BEGIN IMMEDIATE` transaction, "
            + "WAL, synchronous=NORMAL, rows built outside the timed section. **metadb:** the same events pre-filled into "
            + "a writer slot's queue, drained by the ingester (`Ingester.drain()`, what `metadb ingest --once` runs: read the "
            + "queue, decode, validate, insert, checkpoint in the same transaction); and the same events pre-filled into "
            + "one inbox file (`inbox/bench-DATE.jsonl`, each record framed as `Inbox` writes it), drained the same way "
            + "(read lines, decode, validate, insert, ledger offset in the same transaction).")
        .columns("Path", "Events", "Seconds", "Events/s", "How timed", "vs ceiling");
    Row ceiling = rows.get(0);
    for (Row r : rows) {
      t.row(r.stage(), Cells.count(r.events()), Cells.ms(r.seconds()), Cells.rate(r.perSecond()), r.how(),
          r == ceiling ? "1x" : Cells.ratio(r.perSecond(), ceiling.perSecond()));
    }
    Row ingest = rows.get(1);
    double ratio = ingest.perSecond() / ceiling.perSecond();
    t.note("Target (issue 3), ingest at least 0.6x the raw ceiling: " + Cells.ratio(ingest.perSecond(), ceiling.perSecond())
        + ": " + Cells.verdict(ratio >= 0.6) + ".");
    Row inbox = rows.get(2);
    t.note("Target (issue 12), inbox ingest at least 0.8x the raw ceiling: " + Cells.ratio(inbox.perSecond(), ceiling.perSecond())
        + ": " + Cells.verdict(inbox.perSecond() / ceiling.perSecond() >= 0.8) + ".");
    var series = Charts.series();
    series.put("events/s", rows.stream().mapToDouble(Row::perSecond).toArray());
    Charts.bars(ctx.dataDir().resolve("ingest-throughput.png"), "Ingest throughput", "events/s",
        rows.stream().map(r -> r == ceiling ? "raw insert (ceiling)" : r == ingest ? "ingest: queue" : "ingest: inbox").toList(),
        series, false);
    return t.chart("ingest-throughput.png").build();
  }
}
