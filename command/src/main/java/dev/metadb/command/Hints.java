package dev.metadb.command;

import dev.metadb.ingester.IngestLock;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * What to do next. The hints of failures travel with the failures themselves ({@link
 * dev.metadb.writer.KnownFailure#hint}); this writes suggested commands the way the user invoked
 * metadb, and warns when a query's answer may look stale.
 */
final class Hints {
  private Hints() {}

  /**
   * How the user invoked metadb, so a suggested command pastes as it is: {@code bin/metadb} from
   * a checkout, {@code metadb} from PATH (the launcher exports it as {@code METADB_INVOKED_AS}).
   */
  static String invokedAs() {
    String name = System.getenv("METADB_INVOKED_AS");
    return name == null || name.isBlank() ? "metadb" : name;
  }

  /** {@code text} with each {@code `metadb ...`} command written the way the user invoked it. */
  static String pasteable(String text) {
    return text.replace("`metadb ", "`" + invokedAs() + " ");
  }

  /**
   * Queries read meta.db only: when no ingester runs on a home whose queue has slots, recent
   * events are probably still queued, and the result would look stale without a word.
   */
  static void warnIfNoIngester(Home home, PrintWriter err) {
    try {
      if (IngestLock.holder(home).isPresent() || home.slotDirs().isEmpty()) {
        return;
      }
    } catch (IOException e) {
      return;
    }
    err.println("metadb: note: no ingester is running on " + home.dir()
        + "; events recorded since it last ran are still in the queue, not in meta.db.");
    err.println("  hint: " + pasteable("run `metadb ingest` (or `metadb ingest --once` to catch up and exit)"));
  }
}
