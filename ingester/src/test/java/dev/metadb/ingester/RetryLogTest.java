package dev.metadb.ingester;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A long failure logs its first retry, then one line a minute, then one line when it ends. */
class RetryLogTest {
  private long now;

  @Test
  void anHourOfRetriesEvery5sLogsOncePerMinuteAndOnceWhenItEnds() {
    List<String> lines = new ArrayList<>();
    RetryLog log = new RetryLog(lines::add, () -> now);
    for (int retry = 0; retry < 720; retry++) {
      log.failed("meta.db: [SQLITE_FULL] database or disk is full", 300, 5_000);
      now += TimeUnit.SECONDS.toNanos(5);
    }
    log.committed();
    assertEquals(61, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).endsWith("300 entries stay in the queue and the files, retry 1 in 5000 ms"), lines.get(0));
    assertTrue(lines.get(1).contains("retry 13 in 5000 ms (failing for 60 s)"), lines.get(1));
    assertEquals("committed again after 720 retries in 3600 s", lines.get(60));

    lines.clear();
    log.committed();
    assertEquals(List.of(), lines, "a commit without a failure before it says nothing");
    log.failed("meta.db: [SQLITE_BUSY] database is locked", 10, 100);
    assertTrue(lines.get(0).contains("retry 1 in 100 ms"), "a new episode logs its first failure at once: " + lines);
  }
}
