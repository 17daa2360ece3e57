package dev.metadb.ingester;

import dev.metadb.writer.ChronicleSettings;
import dev.metadb.writer.CycleFiles;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.openhft.chronicle.queue.RollCycle;

/**
 * {@code metadb verify}'s check of the writer slots: every cycle file read from start to end and
 * every entry decoded ({@link CycleFileScan}), each slot's metadata file present, each checkpoint
 * pointing at an entry that exists, and how many entries wait to be ingested.
 *
 * <p>Nothing is opened for writing and no Chronicle queue is opened at all (see {@link
 * CycleFileScan} for why), so it is safe beside running writers and the ingester. A cycle file a
 * writer is appending to may gain entries while it is read; the counts are a moment's.
 */
public final class QueueCheck {
  /** metadb's roll cycle ({@code ChronicleSettings}): the index is cycle << 32 | sequence. */
  private static final RollCycle ROLL_CYCLE = ChronicleSettings.ROLL_CYCLE;
  private static final String METADATA_FILE = "metadata.cq4t";

  private QueueCheck() {}

  /** Checks {@code home}'s slots against the checkpoints {@code db} read (if it could). */
  public static CheckResult run(Home home, MetaDbCheck.Outcome db) {
    List<Finding> findings = new ArrayList<>();
    long entries = 0;
    long undecodable = 0;
    long notIngested = 0;
    long files = 0;
    Map<String, CheckpointStore.Checkpoint> checkpoints = new TreeMap<>(db.checkpoints() == null ? Map.of() : db.checkpoints());
    CycleFiles cycles = new CycleFiles(ROLL_CYCLE);
    for (Path slot : slotDirs(home, findings)) {
      String name = slot.getFileName().toString();
      String subject = "queue/" + name;
      CheckpointStore.Checkpoint checkpoint = checkpoints.remove(name);
      Map<Long, Path> cycleFiles = new TreeMap<>();
      try (Stream<Path> list = Files.list(slot)) {
        list.forEach(p -> {
          long cycle = cycles.cycleOf(p.toFile());
          if (cycle >= 0) {
            cycleFiles.put(cycle, p);
          }
        });
      } catch (IOException e) {
        findings.add(Finding.problem(subject, "cannot list the slot directory: " + e));
        continue;
      }
      if (!cycleFiles.isEmpty() && !Files.isRegularFile(slot.resolve(METADATA_FILE))) {
        findings.add(Finding.problem(subject + "/" + METADATA_FILE, "missing: Chronicle keeps the slot's roll state"
            + " there. Its cycle files still read (counted below); the next writer to claim " + name
            + " creates a new one. Run metadb ingest --once before writers reuse the slot."));
      }
      Map<Long, CycleFileScan.Result> scanned = new TreeMap<>();
      for (Map.Entry<Long, Path> file : cycleFiles.entrySet()) {
        String fileSubject = subject + "/" + file.getValue().getFileName();
        files++;
        CycleFileScan.Result result;
        try {
          result = CycleFileScan.scan(file.getValue());
        } catch (IOException e) {
          findings.add(Finding.problem(fileSubject, "cannot be read: " + e));
          continue;
        }
        scanned.put(file.getKey(), result);
        entries += result.entries();
        undecodable += result.undecodable();
        for (String problem : result.problems()) {
          findings.add(Finding.problem(fileSubject, problem));
        }
      }
      notIngested += pending(subject, checkpoint, scanned, cycles, slot, findings);
    }
    for (CheckpointStore.Checkpoint orphan : checkpoints.values()) {
      findings.add(Finding.problem("queue/" + orphan.slot(), "meta.db has a checkpoint for " + orphan.slot()
          + " but the slot directory is gone: entries written there after the checkpoint are lost"
          + " (if it was moved, put it back)"));
    }
    if (notIngested > 0) {
      findings.add(Finding.note("queue", notIngested + " entries are not ingested yet (metadb ingest takes them)"));
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("cycle_files", files);
    counts.put("entries", entries);
    counts.put("undecodable_entries", undecodable);
    counts.put("not_ingested", notIngested);
    return new CheckResult("queue", findings, counts);
  }

  /**
   * Checks that the checkpoint names an entry that exists and returns how many entries come after
   * it (all of them without a checkpoint).
   */
  private static long pending(String subject, CheckpointStore.Checkpoint checkpoint, Map<Long, CycleFileScan.Result> scanned,
      CycleFiles cycles, Path slot, List<Finding> findings) {
    if (checkpoint == null) {
      return scanned.values().stream().mapToLong(CycleFileScan.Result::entries).sum();
    }
    long index = checkpoint.queueIndex();
    long cycle = ROLL_CYCLE.toCycle(index);
    long sequence = ROLL_CYCLE.toSequenceNumber(index);
    String fileName = cycles.fileOf(slot, (int) cycle).getFileName().toString();
    CycleFileScan.Result at = scanned.get(cycle);
    String where = "checkpoint 0x" + Long.toHexString(index) + " (entry " + sequence + " of " + fileName + ")";
    if (at == null) {
      findings.add(Finding.problem(subject, where + " points into a cycle file that is not there: the ingester stops"
          + " on it (restart it with --skip-missing to continue from the first entry still in the slot; what the file"
          + " held after the checkpoint is lost)"));
    } else if (sequence >= at.entries()) {
      findings.add(Finding.problem(subject, where + " is past the end of " + fileName + ", which holds " + at.entries()
          + " entries: the cycle file lost entries (truncated or replaced) after they were ingested. The ingester"
          + " stops on it; restart it with --skip-missing once the cause is understood"));
    }
    long after = 0;
    for (Map.Entry<Long, CycleFileScan.Result> e : scanned.entrySet()) {
      if (e.getKey() > cycle) {
        after += e.getValue().entries();
      } else if (e.getKey() == cycle) {
        after += e.getValue().countAfter(sequence);
      }
    }
    return after;
  }

  private static List<Path> slotDirs(Home home, List<Finding> findings) {
    if (!Files.isDirectory(home.queueDir())) {
      return List.of();
    }
    try {
      return home.slotDirs();
    } catch (IOException e) {
      findings.add(Finding.problem("queue", "cannot list " + home.queueDir() + ": " + e));
      return List.of();
    }
  }
}
