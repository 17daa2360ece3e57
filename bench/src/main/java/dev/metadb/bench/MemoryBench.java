package dev.metadb.bench;

import dev.metadb.event.Table;
import dev.metadb.writer.FileTrees;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Issue 13 §6: the peak resident set (VmHWM) of each metadb process a user runs, through
 * {@code bin/metadb} (so with the launcher's flags: the lean record and query JVMs, the heap cap
 * of {@code ingest.jvm.flags} for ingest and replay), against a bare JVM's in the same run.
 * Whole-process figures, read from {@code /proc/PID/status} while each runs ({@link PeakRss}).
 */
final class MemoryBench implements Benchmark {
  /** Issue 13's target for the ingester under the writers' load. */
  static final long TARGET_BYTES = 256L << 20;

  @Override
  public String name() {
    return "memory";
  }

  private record Row(String process, String work, PeakRss.Sample memory) {}

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    BenchConfig cfg = ctx.config();
    int events = cfg.throughputEvents();
    String launcher = ctx.repoRoot().resolve("bin/metadb").toString();
    List<Row> rows = new ArrayList<>();
    Path scratch = ctx.freshDir("memory-bare");
    try {
      rows.add(new Row("bare JVM (baseline)", "`BareAppend`: no flags, JDK classes only, appends one line",
          measure(ctx.jvm().bareCommand(BareAppend.class, List.of(scratch.resolve("bare.jsonl").toString())), ctx)));
    } finally {
      FileTrees.delete(scratch);
    }

    Path home = ctx.freshDir("memory-ingest");
    try {
      System.err.println("  metadb record, one event (after one untimed record: the launcher's class-data archive)");
      List<String> record = List.of(launcher, "record", "messages", "--home", home.toString(), "--json",
          "{\"source\":\"bench\",\"direction\":\"inbound\",\"body\":\"memory\"}");
      measure(record, ctx);
      rows.add(new Row("`metadb record`", "one event into the inbox", measure(record, ctx)));

      System.err.printf("  metadb ingest: idle, then %d writers x %d events/s for %d ms%n",
          cfg.lagWriters(), cfg.lagRatePerWriter(), cfg.lagMillis());
      try (IngesterProcess ingester = IngesterProcess.start(ctx, home)) {
        TimeUnit.MILLISECONDS.sleep(Math.min(5_000, cfg.lagMillis() / 3));
        rows.add(new Row("`metadb ingest`, idle", "running, nothing to take (after the record above)", ingester.memory()));
        WriterFleet.Result written = WriterFleet.start(ctx, "memory-writers", cfg.lagWriters(), k -> List.of(
            "--mode", "writes", "--sink", SinkKind.METADB.cliName, "--home", home.toString(), "--tables", "messages",
            "--duration-ms", Long.toString(cfg.lagMillis()), "--rate", Integer.toString(cfg.lagRatePerWriter())))
            .await(Duration.ofMinutes(2));
        if (ingester.awaitRows(List.of(Table.MESSAGES), written.stored() + 1, Duration.ofSeconds(60)) < 0) {
          throw new IOException("memory: the writers' rows did not land");
        }
        rows.add(new Row("`metadb ingest`, under load", cfg.lagWriters() + (cfg.lagWriters() == 1 ? " writer process x " : " writer processes x ") + cfg.lagRatePerWriter()
            + " `messages` events/s for " + cfg.lagMillis() / 1000.0 + " s (" + written.stored() + " events), all landed",
            ingester.memory()));
      }
    } finally {
      FileTrees.delete(home);
    }

    Path queued = ctx.freshDir("memory-once");
    try {
      System.err.printf("  metadb ingest --once over %d queued events, then metadb query over them%n", events);
      QueuePrefill.fill(ctx, QueuePrefill.class, queued, events);
      rows.add(new Row("`metadb ingest --once`", events + " mixed events queued in one writer slot, drained",
          measure(List.of(launcher, "ingest", "--once", "--home", queued.toString()), ctx)));
      try (RowCounter landed = RowCounter.await(new Home(queued).metaDb(), Duration.ofSeconds(10), null)) {
        if (landed.count(List.of(Table.values())) != events) {
          throw new IOException("memory: ingest --once left rows missing");
        }
      }
      List<String> query = List.of(launcher, "query", "--home", queued.toString(), "--format", "csv", QueryScaleBench.SQL);
      measure(query, ctx);
      rows.add(new Row("`metadb query`", "the grouped query of \"Query over a large table\" over " + events
          + " rows (after one untimed run: its snapshot and class-data archive)", measure(query, ctx)));
    } finally {
      FileTrees.delete(queued);
    }

    Path spooled = ctx.freshDir("memory-replay");
    try {
      System.err.printf("  metadb replay of %d spool lines%n", events);
      QueuePrefill.spool(new Home(spooled), events);
      rows.add(new Row("`metadb replay`", events + " mixed events as lines of one finished spool file",
          measure(List.of(launcher, "replay", "--home", spooled.toString()), ctx)));
    } finally {
      FileTrees.delete(spooled);
    }
    return List.of(table(rows));
  }

  /** Runs {@code command} to its end (it must exit 0) and returns its memory at its last reading. */
  private static PeakRss.Sample measure(List<String> command, BenchContext ctx) throws IOException, InterruptedException {
    Path log = ctx.logFile("memory");
    Process process = JvmLauncher.start(command, log);
    PeakRss.Sample sample = PeakRss.untilExit(process, 30);
    if (process.exitValue() != 0) {
      throw new IOException("exit " + process.exitValue() + " from " + String.join(" ", command) + ":\n" + BenchContext.tail(log, 20));
    }
    return sample;
  }

  private static ResultTable table(List<Row> rows) {
    var t = ResultTable.builder("memory", "Memory: peak resident set of each metadb process")
        .description("Issue 13: each process as a user runs it, through `bin/metadb` (ingest and replay with "
            + "`ingest.jvm.flags`: Serial GC, `-Xms16m -Xmx256m`). *Peak RSS* is the kernel's VmHWM "
            + "(`/proc/PID/status`), read every 5 ms while the process runs (the last reading before it exits; for the "
            + "running ingester, when its row was written). *Anon* is the anonymous part of the resident set at that "
            + "reading (heap, native allocations, stacks: what only this process holds), *file* the file-backed part "
            + "(jars, shared libraries, the mapped Chronicle cycle files it read: page cache, shared with other "
            + "processes and reclaimable). **Baseline:** a bare JVM (no flags, JDK classes only) in the same run.")
        .columns("Process", "Work", "Peak RSS MiB", "Anon MiB", "File MiB", "Peak vs bare JVM");
    long bare = rows.get(0).memory().peak();
    for (Row r : rows) {
      PeakRss.Sample m = r.memory();
      t.row(r.process(), r.work(), PeakRss.mib(m.peak()), PeakRss.mib(m.anon()), PeakRss.mib(m.file()),
          r == rows.get(0) ? "1x" : m.peak() < 0 || bare <= 0 ? "" : Cells.ratio(m.peak(), bare));
    }
    Row load = rows.stream().filter(r -> r.process().contains("under load")).findFirst().orElseThrow();
    Row once = rows.stream().filter(r -> r.process().contains("--once")).findFirst().orElseThrow();
    t.note("Target (issue 13), the ingester under " + String.format(Locale.ROOT, "%d MiB", TARGET_BYTES >> 20)
        + " RSS under the writers' load: peak " + PeakRss.mib(load.memory().peak()) + " MiB: "
        + Cells.verdict(load.memory().peak() >= 0 && load.memory().peak() < TARGET_BYTES) + ". Draining the whole "
        + "queue at once (`ingest --once`): peak " + PeakRss.mib(once.memory().peak()) + " MiB ("
        + Cells.verdict(once.memory().peak() >= 0 && once.memory().peak() < TARGET_BYTES) + "), of which "
        + PeakRss.mib(once.memory().file()) + " MiB file-backed at the last reading.");
    t.note("Load average when the table was written: " + RunInfo.loadAverage() + ".");
    return t.build();
  }
}
