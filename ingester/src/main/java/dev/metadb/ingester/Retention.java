package dev.metadb.ingester;

import java.io.File;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
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

  Retention(int retainDays) {
    if (retainDays < 0) {
      throw new IllegalArgumentException("--retain-days must be 0 or more, got " + retainDays);
    }
    this.retainDays = retainDays;
  }

  /** Applies the rule to {@code slot}; returns how many files were deleted. */
  int sweep(SlotReader slot, Long checkpointIndex, Instant now, Consumer<String> log) {
    if (checkpointIndex == null) {
      return 0;
    }
    RollCycle rollCycle = slot.queue().rollCycle();
    int checkpointCycle = rollCycle.toCycle(checkpointIndex);
    int currentCycle = slot.queue().cycle();
    long cutoffMillis = now.toEpochMilli() - TimeUnit.DAYS.toMillis(retainDays);
    DateTimeFormatter names = fileNames(rollCycle);
    List<File> candidates = FileUtil.removableRollFileCandidates(slot.dir().toFile()).toList();
    int deleted = 0;
    for (File file : candidates) {
      long cycle = cycleOf(file, names, rollCycle);
      boolean expired = (cycle + 1) * rollCycle.lengthInMillis() <= cutoffMillis;
      if (cycle >= 0 && cycle < checkpointCycle && cycle < currentCycle && expired) {
        if (file.delete()) {
          deleted++;
          log.accept(slot.name() + ": deleted ingested cycle file " + file.getName());
        } else {
          log.accept(slot.name() + ": could not delete ingested cycle file " + file + " (will retry)");
        }
      }
    }
    if (deleted > 0) {
      slot.queue().refreshDirectoryListing();
    }
    return deleted;
  }

  private static DateTimeFormatter fileNames(RollCycle rollCycle) {
    return new DateTimeFormatterBuilder()
        .appendPattern(rollCycle.format())
        .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
        .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
        .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
        .toFormatter();
  }

  /** The cycle number a roll file's name stands for, or -1 if the name is not one. */
  private static long cycleOf(File file, DateTimeFormatter names, RollCycle rollCycle) {
    String name = file.getName();
    int dot = name.lastIndexOf('.');
    try {
      long millis = LocalDateTime.parse(dot < 0 ? name : name.substring(0, dot), names)
          .toInstant(ZoneOffset.UTC).toEpochMilli();
      return millis / rollCycle.lengthInMillis();
    } catch (DateTimeParseException e) {
      return -1;
    }
  }
}
