package dev.metadb.writer;

import java.io.File;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import net.openhft.chronicle.queue.RollCycle;

/**
 * Maps a slot's cycle files to cycle numbers: a file is named by its cycle's start in UTC in the
 * roll cycle's format ({@code 20261125F.cq4} for FAST_DAILY), and cycle = start millis / cycle
 * length (metadb queues use epoch 0). The one namer of cycle files: the writer's disk reservation
 * creates them by this name, the ingester, status and verify find them by it.
 */
public final class CycleFiles {
  public static final String SUFFIX = Home.CYCLE_FILE_SUFFIX;

  private final RollCycle rollCycle;
  private final DateTimeFormatter names;

  public CycleFiles(RollCycle rollCycle) {
    this.rollCycle = rollCycle;
    this.names = new DateTimeFormatterBuilder()
        .appendPattern(rollCycle.format())
        .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
        .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
        .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
        .toFormatter()
        .withZone(ZoneOffset.UTC);
  }

  /** The cycle a file's name stands for, or -1 if the name is not a cycle file's. */
  public long cycleOf(File file) {
    String name = file.getName();
    if (!name.endsWith(SUFFIX)) {
      return -1;
    }
    try {
      long millis = LocalDateTime.parse(name.substring(0, name.length() - SUFFIX.length()), names)
          .toInstant(ZoneOffset.UTC).toEpochMilli();
      return millis / rollCycle.lengthInMillis();
    } catch (DateTimeParseException e) {
      return -1;
    }
  }

  /** The file that holds {@code cycle} in {@code dir} (whether or not it exists). */
  public Path fileOf(Path dir, int cycle) {
    String name = names.format(java.time.Instant.ofEpochMilli((long) cycle * rollCycle.lengthInMillis()));
    return dir.resolve(name + SUFFIX);
  }

  /** When {@code cycle} ends, in epoch millis. */
  public long endMillis(long cycle) {
    return (cycle + 1) * rollCycle.lengthInMillis();
  }
}
