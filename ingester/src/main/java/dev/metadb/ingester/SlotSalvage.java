package dev.metadb.ingester;

import dev.metadb.writer.CycleFiles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.RollCycle;

/**
 * One pass over a retired slot's cycle files with {@link CycleFileReader}, from just after a queue
 * index to the end of the last file: what Chronicle cannot read past is salvaged, not waited on.
 *
 * <p>ONE PASS IS ENOUGH. It starts after the slot is retired ({@link SlotRetirement}): no writer
 * claims the slot again, and a writer that still held it spools each later event (its owner mark
 * is gone, so its append is not reported QUEUED). What was appended before the retirement is in
 * the files when the pass reads them.
 *
 * <p>POSITIONS. An item's queue index is cycle << 32 | its ordinal in the file ({@link
 * CycleFileReader}), so checkpoints keep their meaning across a restart: the pass then starts
 * after the stored checkpoint, skipping what the same deterministic walk already handed out.
 */
final class SlotSalvage implements AutoCloseable {
  private final RollCycle rollCycle;
  private final Consumer<String> report;
  private final Deque<Map.Entry<Long, Path>> files = new ArrayDeque<>();
  private final long afterIndex;
  private CycleFileReader reader;
  private long cycle;

  /**
   * Salvages {@code dir} after queue index {@code afterIndex} (null: from the start); {@code
   * report} receives one line per range that is lost.
   */
  SlotSalvage(Path dir, Long afterIndex, RollCycle rollCycle, Consumer<String> report) throws IOException {
    this.rollCycle = rollCycle;
    this.report = report;
    this.afterIndex = afterIndex == null ? -1 : afterIndex;
    CycleFiles names = new CycleFiles(rollCycle);
    Map<Long, Path> found = new TreeMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.forEach(p -> {
        long c = names.cycleOf(new File(p.toString()));
        if (c >= 0 && (afterIndex == null || c >= rollCycle.toCycle(afterIndex))) {
          found.put(c, p);
        }
      });
    }
    files.addAll(found.entrySet());
  }

  /** The next entry after the start, or null when every file is read. */
  CycleFileReader.Item next() throws IOException {
    while (true) {
      if (reader == null) {
        Map.Entry<Long, Path> file = files.pollFirst();
        if (file == null) {
          return null;
        }
        cycle = file.getKey();
        reader = new CycleFileReader(file.getValue(), line -> report.accept(file.getValue().getParent().getFileName() + "/" + line));
      }
      CycleFileReader.Item item = reader.next();
      if (item == null) {
        reader.close();
        reader = null;
        continue;
      }
      if (index(item) > afterIndex) {
        return item;
      }
    }
  }

  /** The queue index of {@code item}. */
  long index(CycleFileReader.Item item) {
    return rollCycle.toIndex((int) cycle, item.ordinal());
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
    }
  }
}
