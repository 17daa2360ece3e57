package dev.metadb.command;

import dev.metadb.ingester.AnotherIngesterException;
import dev.metadb.ingester.CheckpointMissingException;
import dev.metadb.ingester.IngestLock;
import dev.metadb.ingester.NotADatabaseException;
import dev.metadb.ingester.SchemaNewerException;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What to do next, for the errors a newcomer is likely to meet. The error line says what is
 * wrong; the hint line, printed after it, says what to try. One place, so every subcommand gives
 * the same advice for the same failure.
 */
final class Hints {
  private Hints() {}

  /** Prints the hint for {@code error}, if there is one. */
  static void print(PrintWriter err, Throwable error) {
    // A stage may wrap the typed failure (query wraps SchemaNewerException in a QueryException).
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      String hint = hint(cause);
      if (hint != null) {
        err.println("  hint: " + hint);
        return;
      }
    }
  }

  static String hint(Throwable error) {
    if (error instanceof SchemaNewerException) {
      return "a newer metadb has upgraded this meta.db; use that metadb (or a newer build of this one) with this home";
    }
    if (error instanceof AnotherIngesterException) {
      return "one ingester per home: leave that one running (see `metadb status`), or stop it first, e.g. `kill <pid>`";
    }
    if (error instanceof NotADatabaseException) {
      return "the file is not SQLite: move it aside (metadb never overwrites it) and run again, or point --home elsewhere";
    }
    if (error instanceof CheckpointMissingException) {
      return "queue files were deleted before they were ingested; `metadb ingest --skip-missing` continues with what is left";
    }
    return null;
  }

  /**
   * Queries read meta.db only: when no ingester runs on a home whose queue has slots, recent
   * events are probably still queued, and the result would look stale without a word.
   */
  static void warnIfNoIngester(Home home, PrintWriter err) {
    try {
      if (IngestLock.holder(home).isPresent() || !hasSlots(home.queueDir())) {
        return;
      }
    } catch (IOException e) {
      return;
    }
    err.println("metadb: note: no ingester is running on " + home.dir()
        + "; events recorded since it last ran are still in the queue, not in meta.db.");
    err.println("  hint: run `metadb ingest` (or `metadb ingest --once` to catch up and exit)");
  }

  private static boolean hasSlots(Path queueDir) throws IOException {
    if (!Files.isDirectory(queueDir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(queueDir)) {
      return entries.anyMatch(p -> Home.slotNumber(p.getFileName().toString()) >= 0 && Files.isDirectory(p));
    }
  }
}
