package dev.metadb.bench;

import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.SpoolStamp;
import dev.metadb.writer.ChronicleSettings;
import dev.metadb.writer.FileTrees;
import dev.metadb.writer.Home;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Replay throughput against its baseline, the ingester, on the same events in the same run.
 *
 * <pre>
 *   ReplayBench [--lines N] [--work DIR] [--report FILE]     (N default 1,000,000)
 * </pre>
 *
 * <p>METHOD. N envelopes of the 16-table mix ({@link ReplayBenchEvents}) are encoded once and
 * written twice: as lines of a finished spool file in one home, and as queue entries in writer
 * slot 0 of another. Then, each in a fresh JVM with this JVM's flags ({@link ReplayBenchProbe}):
 * the ingester drains the queue ({@code Ingester.drain()}, as {@code metadb ingest --once}), and
 * replay applies the spool ({@code Replay.run}, as {@code metadb replay}). Only those calls are
 * timed; opening, schema creation and JVM start are not. Both write into an empty meta.db with
 * their default batch sizes.
 *
 * <p>OUTPUT. One JSON object on stdout (also written to {@code --report}): lines, seconds and
 * rate of each, and {@code ratio} = replay lines/s / ingest events/s. The target is a
 * ratio of at least 0.5. Progress goes to stderr.
 */
public final class ReplayBench {
  private ReplayBench() {}

  public static void main(String[] argv) throws Exception {
    long lines = 1_000_000;
    Path work = Path.of("bench/target/replay-bench");
    Path report = null;
    for (int i = 0; i < argv.length; i++) {
      switch (argv[i]) {
        case "--lines" -> lines = Long.parseLong(argv[++i]);
        case "--work" -> work = Path.of(argv[++i]);
        case "--report" -> report = Path.of(argv[++i]);
        default -> {
          System.err.println("usage: ReplayBench [--lines N] [--work DIR] [--report FILE]; unknown: " + argv[i]);
          System.exit(2);
        }
      }
    }
    FileTrees.delete(work);
    Home spoolHome = new Home(work.resolve("replay-home"));
    Home queueHome = new Home(work.resolve("ingest-home"));
    System.err.printf(Locale.ROOT, "replay bench: writing %,d events to a spool file and a queue%n", lines);
    Path spool = prepare(lines, spoolHome, queueHome);

    ReplayBenchProbe.Result ingest = probe("ingest", queueHome);
    System.err.printf(Locale.ROOT, "replay bench: ingest %,d events in %.2f s%n", ingest.count(), ingest.seconds());
    ReplayBenchProbe.Result replay = probe("replay", spoolHome);
    System.err.printf(Locale.ROOT, "replay bench: replay %,d lines in %.2f s%n", replay.count(), replay.seconds());
    if (ingest.count() != lines || replay.count() != lines) {
      System.err.println("replay bench: expected " + lines + " rows from each, got ingest " + ingest.count() + ", replay " + replay.count());
      System.exit(1);
    }

    double replayRate = replay.count() / replay.seconds();
    double ingestRate = ingest.count() / ingest.seconds();
    String json = String.format(Locale.ROOT,
        "{\"benchmark\":\"replay\",\"lines\":%d,\"spool_bytes\":%d,"
            + "\"replay_seconds\":%.3f,\"replay_lines_per_s\":%.0f,"
            + "\"ingest_seconds\":%.3f,\"ingest_events_per_s\":%.0f,"
            + "\"ratio\":%.3f,\"target_ratio\":0.5}",
        lines, Files.size(spoolHome.replayedDir().resolve(spool.getFileName())),
        replay.seconds(), replayRate, ingest.seconds(), ingestRate, replayRate / ingestRate);
    System.out.println(json);
    if (report != null) {
      Files.createDirectories(report.toAbsolutePath().getParent());
      Files.writeString(report, json + "\n", StandardCharsets.UTF_8);
    }
    System.exit(0);
  }

  /** Writes the same envelopes as spool lines and queue entries; returns the spool file. */
  private static Path prepare(long lines, Home spoolHome, Home queueHome) throws IOException {
    Path spool = spoolHome.spoolFile(LocalDate.now(ZoneOffset.UTC).minusDays(1));
    Home.createPrivateDirectories(spool.getParent());
    Home.createPrivateDirectories(queueHome.queueDir());
    SpoolStamp stamp = new SpoolStamp(SpoolStamp.WRITER, "benchmark", Instant.parse("2026-11-24T00:00:00Z"));
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool), 1 << 20);
        SingleChronicleQueue queue = ChronicleSettings.builder(queueHome.slotDir(0), 10_000).build();
        ExcerptAppender appender = queue.createAppender()) {
      for (long n = 0; n < lines; n++) {
        Envelope envelope = ReplayBenchEvents.envelope(n);
        // encode(..., OutputStream) would close the stream (Jackson's AUTO_CLOSE_TARGET): use arrays
        out.write(EnvelopeCodec.encode(envelope, stamp));
        out.write('\n');
        byte[] entry = EnvelopeCodec.encode(envelope, null);
        try (DocumentContext dc = appender.writingDocument()) {
          dc.wire().bytes().write(entry);
        }
      }
    }
    // Finished (yesterday's, untouched for an hour): replay reads it to the end and moves it.
    Files.setLastModifiedTime(spool, FileTime.from(Instant.now().minusSeconds(3600)));
    return spool;
  }

  private static ReplayBenchProbe.Result probe(String what, Home home) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ReplayBenchProbe.class.getName());
    command.add(what);
    command.add(home.dir().toString());
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int exit = process.waitFor();
    if (exit != 0) {
      throw new IOException(what + " probe exited " + exit + ": " + output);
    }
    return ReplayBenchProbe.Result.parse(output);
  }

}
