package dev.metadb.faults;

import dev.metadb.store.MetaDatabase;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Fault class "meta.db locked": another process holds meta.db's write lock ({@code BEGIN
 * IMMEDIATE}, plain SQLite) for longer than the 10 s busy timeout, while four writers (three
 * slots: one spools), the ingester and replay runs keep going. Each hold ends either with a
 * ROLLBACK or with the holder killed by SIGKILL (the kernel drops its lock), chosen by the seed.
 *
 * <p>Must hold: writers never notice (record never waits on meta.db: no event is spooled or
 * failed because of the lock); the ingester waits it out and retries without exiting; a replay
 * waits too (three attempts of the busy timeout), and one that meets a longer lock (the full run
 * holds it 45 s) stops with exit 1 and says why, and a later run finishes; afterwards every
 * recorded event is in meta.db once.
 */
@Order(3)
class LockedDatabaseFaultTest {
  @Test
  void metaDbLockedByAnOutsideTransactionLongerThanTheBusyTimeout() throws Exception {
    String test = "LockedDatabaseFaultTest";
    Seed seed = Seed.of(test, LockedDatabaseFaultTest.class);
    int holds = Scale.of("lock.holds", 1, 3);
    // CI: past the ingester's busy timeout. Full run: also past replay's patience (3 attempts of
    // the 10 s busy timeout with 0.5 s and 1 s pauses, about 32 s), so replay must stop and say so.
    long holdMillis = Scale.of("lock.millis", MetaDatabase.BUSY_TIMEOUT_MILLIS + 8_000, 45_000);
    boolean pastReplayPatience = holdMillis > 3 * MetaDatabase.BUSY_TIMEOUT_MILLIS + 1_500 + 5_000;
    long started = System.nanoTime();
    try (Harness h = new Harness(test, seed).slots(3)) {
      h.startWriters(4);
      h.startIngester();
      h.awaitReady(Duration.ofSeconds(120));
      h.run(1_000);
      for (int i = 0; i < holds; i++) {
        boolean killHolder = h.random.nextBoolean();
        h.faultActive(true); // from now a replay may meet the lock
        try (ChildProcess locker = ChildProcess.start("locker", DbLocker.class, Map.of(), h.logs, false,
            h.home.metaDb().toString(), Long.toString(killHolder ? 10 * holdMillis : holdMillis))) {
          long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
          while (!locker.saidOnStderr("LOCKED") && System.nanoTime() < deadline) {
            h.tick();
            Thread.sleep(20);
          }
          h.require(locker.saidOnStderr("LOCKED"), "the outside process got meta.db's write lock");
          h.count(killHolder ? "write lock held " + holdMillis / 1000 + " s, holder then killed -9" : "write lock held " + holdMillis / 1000 + " s, then rolled back");
          h.run(holdMillis);
          if (killHolder) {
            locker.kill9();
          } else {
            locker.await(Duration.ofSeconds(60));
          }
          h.require(h.ingester().isAlive() && !h.ingester().wasKilled(), "the ingester waits out the lock without exiting");
          h.faultsOver();
          h.run(1_000);
        }
      }
      h.stopWriters();
      long recovery = h.recover(Duration.ofSeconds(120));
      h.finalDrain(0);
      Audit.Result a = h.audit();
      long ingesterRetries = h.countInLogs("ingester", "retry");
      long replayStops = h.countInLogs("replay", "stopped:");
      Map<String, Long> reasons = h.books.reasons();
      boolean spooledOnlyForWantOfASlot = reasons.keySet().stream().allMatch(r -> r.contains("writer slots"));
      h.require(a.failed() == 0 && spooledOnlyForWantOfASlot,
          "writers never notice meta.db's lock: events spooled only by the writer without a slot, none failed; reasons " + reasons);
      h.require(ingesterRetries > 0, "the ingester met the lock past its busy timeout and retried");
      if (pastReplayPatience) {
        h.require(replayStops > 0, "a replay met the lock past its patience, stopped with exit 1 and said why");
      }
      h.report("meta.db locked", "outside BEGIN IMMEDIATE held " + holdMillis / 1000 + " s (busy timeout "
              + MetaDatabase.BUSY_TIMEOUT_MILLIS / 1000 + " s), " + holds + "x",
          a, recovery, started, "ingester retries " + ingesterRetries + ", replay runs stopped by the lock " + replayStops + " of "
              + h.replayRuns() + "; spool reasons " + reasons);
      h.passed();
    }
  }
}
