package dev.metadb.ingester;

import dev.metadb.writer.CycleFiles;
import java.io.File;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.util.FileUtil;

/**
 * Deletes a slot's cycle files once nothing in them can still be needed.
 *
 * <p>DELETION RULE. A cycle file is deleted only when all of these hold:
 *
 * <ol>
 *   <li>Chronicle lists it as a removable roll file: closed, and open in no process
 *       ({@code FileUtil.removableRollFileCandidates});
 *   <li>its cycle is strictly older than the slot's checkpoint cycle, so every entry in it is
 *       committed to meta.db (the checkpoint's own file may still hold un-ingested entries);
 *   <li>its cycle is strictly older than the current cycle (a writer may still append to today's);
 *   <li>it ended more than {@code retainDays} days ago (kept for inspection and re-ingest).
 * </ol>
 *
 * A slot with no checkpoint has nothing ingested and loses nothing.
 */
final class Retention {
  private final int retainDays;

  /** @param retainDays validated by {@link IngestOptions} */
  Retention(int retainDays) {
    this.retainDays = retainDays;
  }

  /** Applies the rule to {@code slot}; returns how many files were deleted. */
  int sweep(SlotReader slot, Long checkpointIndex, Instant now, Consumer<String> log) {
    if (checkpointIndex == null) {
      return 0;
    }
    RollCycle rollCycle = slot.queue().rollCycle();
    CycleFiles cycles = new CycleFiles(rollCycle);
    int checkpointCycle = rollCycle.toCycle(checkpointIndex);
    int currentCycle = slot.queue().cycle();
    long cutoffMillis = now.toEpochMilli() - TimeUnit.DAYS.toMillis(retainDays);
    File[] files = slot.dir().toFile().listFiles();
    boolean anyExpired = files != null && Arrays.stream(files)
        .anyMatch(f -> expired(cycles.cycleOf(f), checkpointCycle, currentCycle, cutoffMillis, cycles));
    if (!anyExpired) {
      // The common case, decided without Chronicle's open-file check (a scan of every process).
      return 0;
    }
    int deleted = 0;
    for (File file : FileUtil.removableRollFileCandidates(slot.dir().toFile()).toList()) {
      if (!expired(cycles.cycleOf(file), checkpointCycle, currentCycle, cutoffMillis, cycles)) {
        // Candidates come oldest first: once one must stay, Chronicle's contract is to keep the rest.
        break;
      }
      if (!file.delete()) {
        log.accept(slot.name() + ": could not delete ingested cycle file " + file + " (will retry)");
        break;
      }
      deleted++;
      log.accept(slot.name() + ": deleted ingested cycle file " + file.getName());
    }
    if (deleted > 0) {
      slot.queue().refreshDirectoryListing();
    }
    return deleted;
  }

  /** Rules 2 to 4 of the class comment for a file of {@code cycle} (-1: not a cycle file). */
  private static boolean expired(long cycle, int checkpointCycle, int currentCycle, long cutoffMillis, CycleFiles cycles) {
    return cycle >= 0 && cycle < checkpointCycle && cycle < currentCycle && cycles.endMillis(cycle) <= cutoffMillis;
  }
}
