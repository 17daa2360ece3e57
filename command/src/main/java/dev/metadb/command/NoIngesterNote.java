package dev.metadb.command;

import dev.metadb.ingester.IngestLock;
import dev.metadb.ingester.IngestStatus;
import dev.metadb.store.MetaDatabaseException;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;

/** The note a query prints when its answer may look stale because no ingester is running. */
final class NoIngesterNote {
  private NoIngesterNote() {}

  /**
   * Queries read meta.db only: when no ingester runs on a home whose queue has slots or whose
   * inbox has lines not yet applied, recent events are probably still waiting there, and the
   * result would look stale without a word.
   */
  static void printIfNoIngester(Home home, PrintWriter err) {
    try {
      if (IngestLock.holder(home).isPresent() || (home.slotDirs().isEmpty() && !hasPendingLines(home))) {
        return;
      }
    } catch (IOException | SQLException | MetaDatabaseException e) {
      return;
    }
    err.println("metadb: note: no ingester is running on " + home.dir()
        + "; events recorded since it last ran are still in the queue or the inbox, not in meta.db.");
    err.println("  hint: " + Hints.pasteable("run `metadb ingest` (or `metadb ingest --once` to catch up and exit)"));
  }

  private static boolean hasPendingLines(Home home) throws IOException, SQLException, MetaDatabaseException {
    return IngestStatus.files(home).stream().anyMatch(f -> f.pendingLines() > 0);
  }
}
