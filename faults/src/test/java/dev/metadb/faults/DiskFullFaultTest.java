package dev.metadb.faults;

import dev.metadb.writer.Tmpfs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fault class "disk full": the queue filesystem ({@code home/queue}), the spool filesystem
 * ({@code home/logs}) and the meta.db filesystem (the home itself) are each a real tmpfs. The
 * ones under test start small and fill up while four writers (three slots: one always spools),
 * the ingester and replay runs keep going; then they are remounted at 64 MiB and the books must
 * balance. Alone and all three together.
 *
 * <p>What must happen while full: writers never crash; a full queue sends events to the spool; a
 * full queue AND spool makes record return FAILED (the writer is told, the event is not counted
 * as recorded); a full meta.db makes the ingester retry and replay stop with exit 1, both saying
 * why. What must hold after: every recorded event in meta.db once, nothing else.
 */
@Order(2)
class DiskFullFaultTest {
  private static String skipReason;

  /** Which filesystems start small. */
  enum Fill {
    QUEUE("queue filesystem full", true, false, false),
    SPOOL("spool filesystem (logs) full", false, true, false),
    META_DB("meta.db filesystem full", false, false, true),
    ALL("queue, spool and meta.db filesystems full together", true, true, true);

    final String variant;
    final boolean queue;
    final boolean spool;
    final boolean metaDb;

    Fill(String variant, boolean queue, boolean spool, boolean metaDb) {
      this.variant = variant;
      this.queue = queue;
      this.spool = spool;
      this.metaDb = metaDb;
    }
  }

  @BeforeAll
  static void probeTmpfs() throws Exception {
    skipReason = Tmpfs.unavailableReason(Path.of(System.getProperty("faults.homes", "target/fault-homes")).toAbsolutePath());
    if (skipReason != null) {
      System.out.println("[faults] DiskFullFaultTest SKIPPED: " + skipReason);
    }
  }

  @ParameterizedTest
  @EnumSource(Fill.class)
  void fullFilesystemsThenSpaceReturns(Fill fill) throws Exception {
    String test = "DiskFullFaultTest-" + fill.name();
    if (skipReason != null) {
      Results.append(ResultRow.skipped(test, "disk full", fill.variant, skipReason));
    }
    Assumptions.assumeTrue(skipReason == null, () -> "skipped: " + skipReason);
    Seed seed = Seed.of(test, DiskFullFaultTest.class);
    long faultMillis = Scale.of("diskfull.millis", 5_000, 30_000);
    long started = System.nanoTime();
    try (Harness h = new Harness(test, seed).slots(3)) {
      Path home = h.home.dir();
      Tmpfs.mount(home, fill.metaDb ? "1m" : "64m");
      Tmpfs.mount(home.resolve("queue"), fill.queue ? "3m" : "64m");
      Tmpfs.mount(home.resolve("logs"), fill.spool ? "256k" : "64m");
      if (fill.queue) {
        h.count("queue filesystem filled (3 MiB tmpfs)");
      }
      if (fill.spool) {
        h.count("spool filesystem filled (256 KiB tmpfs)");
      }
      if (fill.metaDb) {
        h.count("meta.db filesystem filled (1 MiB tmpfs)");
      }
      h.faultActive(true);
      h.startIngester();
      h.startWriters(4);
      h.awaitReady(Duration.ofSeconds(120));
      h.run(faultMillis);
      List<Path> grown = new ArrayList<>(List.of(home, home.resolve("queue"), home.resolve("logs")));
      for (Path dir : grown) {
        Tmpfs.resize(dir, "64m");
      }
      h.faultsOver();
      h.run(2_000);
      h.stopWriters();
      long recovery = h.recover(Duration.ofSeconds(120));
      h.finalDrain(0);
      Audit.Result a = h.audit();
      long ingesterRetries = h.countInLogs("ingester", "retry");
      long replayStops = h.countInLogs("replay", "stopped:");
      Map<String, Long> reasons = h.books.reasons();
      String notes = "while full: " + a.spooled() + " events spooled, " + a.failed() + " FAILED (told), ingester retries "
          + ingesterRetries + ", replay runs stopped " + replayStops + " of " + h.replayRuns() + "; reasons " + reasons;
      if (fill.queue) {
        h.require(a.spooled() > 0, "a full queue filesystem must send events to the spool");
      }
      if (fill.spool) {
        h.require(a.failed() > 0, "a full spool under a writer without a slot must make record say FAILED");
      }
      if (fill.metaDb) {
        h.require(ingesterRetries > 0, "a full meta.db filesystem must make the ingester retry");
      }
      h.report("disk full", fill.variant, a, recovery, started, notes);
      h.passed();
    }
  }
}
