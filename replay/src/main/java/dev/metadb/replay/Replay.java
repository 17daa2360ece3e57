package dev.metadb.replay;

import dev.metadb.store.MetaDatabase;
import dev.metadb.store.MetaDatabaseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Drains spool files (and trails) into meta.db exactly once, however often it runs and wherever
 * it is killed.
 *
 * <p>GUARANTEES
 *
 * <ol>
 *   <li>Every valid line lands once: rows go in with INSERT OR IGNORE on event_id (lines without
 *       one get an id derived from their content), and a file's ledger offset commits in the same
 *       transaction as the rows of the lines it moves past ({@link FileReplay}, {@link Ledger}).
 *   <li>Every line that cannot be applied is in {@code logs/quarantine/} once, with its reason,
 *       and is not retried by later runs ({@link Quarantine}).
 *   <li>Nothing is deleted: finished spool files move to {@code logs/replayed/}.
 *   <li>One replay at a time per home ({@link ReplayLock}); any number of ingesters alongside.
 * </ol>
 *
 * <p>A dry run takes no lock, opens meta.db read-only (if it exists) and writes nothing. A run
 * with no files touches nothing at all (no lock file, no meta.db).
 */
public final class Replay {
  private Replay() {}

  /**
   * Runs {@code request}.
   *
   * @param log receives the odd line for a person (schema created or migrated)
   * @return the summary; a database or I/O failure part-way is reported in {@link
   *     ReplaySummary#failure()}, with the files done before it
   * @throws ReplayBusyException when another replay holds the lock
   * @throws MetaDatabaseException when meta.db is not a database or has a newer schema
   * @throws SQLException, IOException when meta.db cannot be opened at all
   */
  public static ReplaySummary run(ReplayRequest request, ReplayProgress progress, Consumer<String> log)
      throws IOException, SQLException, MetaDatabaseException, ReplayBusyException {
    if (request.sources().isEmpty()) {
      return new ReplaySummary(request.dryRun(), List.of(), null);
    }
    if (request.dryRun()) {
      Path metaDb = request.home().metaDb();
      MetaDatabase db = Files.isRegularFile(metaDb) ? MetaDatabase.openReadOnly(metaDb) : null;
      try (DryRunTarget target = new DryRunTarget(db)) {
        return replayAll(request, target, progress);
      }
    }
    try (ReplayLock lock = ReplayLock.acquire(request.home());
        DatabaseTarget target = new DatabaseTarget(MetaDatabase.open(request.home().metaDb(), log))) {
      return replayAll(request, target, progress);
    }
  }

  private static ReplaySummary replayAll(ReplayRequest request, ReplayTarget target, ReplayProgress progress) {
    List<FileResult> results = new ArrayList<>();
    progress.start(totalBytes(request.sources()));
    try {
      for (ReplaySource source : request.sources()) {
        try {
          results.add(new FileReplay(request, target, progress).replay(source));
        } catch (IOException | SQLException e) {
          return new ReplaySummary(request.dryRun(), results, "replaying " + source.file() + ": " + describe(e));
        }
      }
    } finally {
      progress.finish();
    }
    return new ReplaySummary(request.dryRun(), results, null);
  }

  private static long totalBytes(List<ReplaySource> sources) {
    long total = 0;
    for (ReplaySource source : sources) {
      try {
        total += Files.size(source.file());
      } catch (IOException e) {
        // a file that cannot be sized fails properly when it is replayed; the bar just runs short
      }
    }
    return total;
  }

  private static String describe(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return e instanceof NoSuchFileException ? "no such file: " + message : message;
  }
}
