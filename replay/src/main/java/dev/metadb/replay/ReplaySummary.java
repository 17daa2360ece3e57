package dev.metadb.replay;

import java.util.List;

/**
 * The outcome of a replay run.
 *
 * @param dryRun whether nothing was written
 * @param files one result per file, in replay order; files after a failure are absent
 * @param failure why the run stopped early (database or I/O failure), or null; what committed
 *     before it is kept and a rerun resumes there
 */
public record ReplaySummary(boolean dryRun, List<FileResult> files, String failure) {
  public ReplaySummary {
    files = List.copyOf(files);
  }

  public long inserted() {
    return files.stream().mapToLong(FileResult::inserted).sum();
  }

  public long duplicates() {
    return files.stream().mapToLong(FileResult::duplicates).sum();
  }

  public long quarantined() {
    return files.stream().mapToLong(FileResult::quarantined).sum();
  }

  public long blank() {
    return files.stream().mapToLong(FileResult::blank).sum();
  }

  /** Incomplete trailing lines left for a later run (at most one per file). */
  public long leftForLater() {
    return files.stream().filter(f -> f.pendingBytes() > 0).count();
  }

  public long moved() {
    return files.stream().filter(f -> f.movedTo() != null).count();
  }

  /** Everything was applied or already there: no quarantine, no failure. */
  public boolean clean() {
    return failure == null && quarantined() == 0;
  }
}
