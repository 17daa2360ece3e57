package dev.metadb.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.SampleEvents;
import dev.metadb.event.Timestamps;
import dev.metadb.writer.ChildJvm;
import dev.metadb.writer.Home;
import dev.metadb.writer.MetaDb;
import dev.metadb.writer.RecordResult;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay and the real ingester (another process) write meta.db at the same time: BEGIN IMMEDIATE
 * with the busy timeout orders their transactions; no errors, no retries, no lost rows.
 */
class ConcurrentIngesterTest {
  private static final int QUEUED = 20_000;
  private static final int SPOOLED = 20_000;

  @TempDir Path dir;

  @Test
  void replayAndIngesterShareTheDatabase() throws Exception {
    Home home = new Home(dir.resolve("home"));
    Path spool = home.spoolFile(LocalDate.now(ZoneOffset.UTC).minusDays(1));
    TestSpool.writeValid(spool, 1_000_000, SPOOLED);
    TestSpool.age(spool);

    // The queue is filled first and the ingester drains it in batches of 20 (1000 transactions),
    // so its commits are still going on when replay's 200 transactions run: they must interleave.
    long queued = 0;
    try (MetaDb writer = MetaDb.open(home.dir())) {
      for (int i = 0; i < QUEUED; i++) {
        if (writer.record(SampleEvents.mixed(i).event()).status() == RecordResult.Status.QUEUED) {
          queued++;
        }
      }
    }
    assertEquals(QUEUED, queued, "every record() went to the queue");
    Path ingesterErr = dir.resolve("ingester.err");
    Process ingester = ChildJvm.builder(StdinIngesterChild.class, java.util.Map.of(), home.dir().toString(), "20").redirectError(ingesterErr.toFile()).start();
    BufferedReader ingesterOut = new BufferedReader(new InputStreamReader(ingester.getInputStream(), StandardCharsets.UTF_8));
    assertEquals("started", ingesterOut.readLine(), () -> read(ingesterErr));

    // Small batches: many short replay transactions between the ingester's.
    ReplayRequest request = ReplayRequest.of(home, List.of(ReplaySource.spool(spool)), false)
        .withBatchLines(100)
        .withSettle(Duration.ZERO);
    String replayStart = Timestamps.format(Timestamps.now());
    ReplaySummary summary = Replay.run(request, ReplayProgress.NONE, line -> {});
    String replayEnd = Timestamps.format(Timestamps.now());
    assertNull(summary.failure());
    assertEquals(SPOOLED, summary.inserted());

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (TestSpool.rows(home.metaDb()) < QUEUED + SPOOLED && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    ingester.getOutputStream().close();
    String stats = ingesterOut.readLine();
    assertTrue(ingester.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, ingester.exitValue(), read(ingesterErr));

    assertEquals(QUEUED + SPOOLED, TestSpool.rows(home.metaDb()));
    assertEquals(QUEUED + SPOOLED, TestSpool.distinctIds(home.metaDb()));
    assertEquals("stats " + QUEUED + " 0 0", stats, "ingester: all inserted, none spooled, no retries; stderr: " + read(ingesterErr));
    assertFalse(read(ingesterErr).contains("Exception"), read(ingesterErr));
    // ticks rows with source-n, n < QUEUED, came through the queue: some committed mid-replay.
    long ingestedDuringReplay = TestSpool.count(home.metaDb(),
        "SELECT count(*) FROM ticks WHERE CAST(substr(source, 8) AS INTEGER) < " + QUEUED
            + " AND ingested_at BETWEEN '" + replayStart + "' AND '" + replayEnd + "'");
    assertTrue(ingestedDuringReplay > 0, "the ingester committed while replay ran");
    System.out.println("ConcurrentIngesterTest: " + ingestedDuringReplay + " of " + QUEUED / 16
        + " queued ticks were ingested while replay committed " + SPOOLED / 100 + " batches");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
