package dev.metadb.command;

import dev.metadb.ingester.IngestLock;
import dev.metadb.ingester.IngestStatus;
import dev.metadb.store.MetaDatabaseException;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;

/**
 * The notes a query prints when its answer may look stale: events that wait for an ingester that
 * is not running (queue entries, inbox and trail lines: {@code metadb ingest}), and spooled lines
 * that wait for {@code metadb replay} (an ingester never applies those). Each says how many and
 * what to run; with nothing waiting there is no note. A home that cannot be read gets no note:
 * the query itself says what is wrong. While an ingester runs, the queues are not opened (counting
 * their entries costs a query about a second of Chronicle start-up): only the spool is counted.
 */
final class NoIngesterNote {
  private NoIngesterNote() {}

  static void printIfNoIngester(Home home, PrintWriter err) {
    long queued;
    long spooled;
    try {
      if (IngestLock.holder(home).isPresent()) {
        queued = 0;
        spooled = IngestStatus.spool(home).stream().mapToLong(IngestStatus.FileStatus::pendingLines).sum();
      } else {
        IngestStatus status = IngestStatus.waiting(home);
        queued = status.lagEntries();
        spooled = status.spoolPendingLines();
      }
    } catch (IOException | SQLException | MetaDatabaseException | RuntimeException e) {
      return;
    }
    if (queued > 0) {
      err.println("metadb: note: no ingester is running on " + home.dir() + "; " + events(queued)
          + " waiting in the queue or the inbox " + (queued == 1 ? "is" : "are") + " not in meta.db yet.");
      err.println("  hint: " + Hints.pasteable("run `metadb ingest` (or `metadb ingest --once` to catch up and exit)"));
    }
    if (spooled > 0) {
      err.println("metadb: note: " + events(spooled) + " in the spool (" + home.logsDir() + ") "
          + (spooled == 1 ? "is" : "are") + " not in meta.db yet.");
      err.println("  hint: " + Hints.pasteable("run `metadb replay` to apply them"));
    }
  }

  private static String events(long n) {
    return n + (n == 1 ? " event" : " events");
  }
}
