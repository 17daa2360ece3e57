package dev.metadb.ingester;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries taken since the last commit, in the order taken, and per slot the index of the
 * last one: the checkpoint the batch's transaction will write.
 */
final class Batch {
  final List<PendingEntry> entries = new ArrayList<>();
  /** Per slot: last index taken and how many entries were taken, in this batch. */
  final Map<SlotReader, long[]> lastIndex = new LinkedHashMap<>();
  private long firstAtNanos;

  void add(PendingEntry entry) {
    if (entries.isEmpty()) {
      firstAtNanos = System.nanoTime();
    }
    entries.add(entry);
    long[] last = lastIndex.computeIfAbsent(entry.slot, s -> new long[2]);
    last[0] = entry.index;
    last[1]++;
  }

  int size() {
    return entries.size();
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Nanoseconds the oldest entry has waited, 0 when empty. */
  long ageNanos(long nowNanos) {
    return entries.isEmpty() ? 0 : nowNanos - firstAtNanos;
  }

  void clear() {
    entries.clear();
    lastIndex.clear();
  }
}
