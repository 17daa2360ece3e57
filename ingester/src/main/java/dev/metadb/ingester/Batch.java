package dev.metadb.ingester;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What was taken since the last commit: the entries in the order taken, and the sources they
 * (or lines that became no entry: blank or quarantined) came from, whose checkpoints the batch's
 * transaction writes.
 *
 * <p>BOUND: the batch is {@link #full()} at {@code maxEntries} entries or at {@code maxBytes}
 * encoded bytes, whichever comes first; sources stop adding to a full batch, so it holds at most
 * {@code maxBytes} plus its last entry's bytes (a first entry always fits, whatever its size).
 *
 * <p>Two exist at once while a commit runs in the background ({@link BatchWriter}): the one in
 * flight ({@link #detach}) and the one being filled; a failed background commit is merged back in
 * front of the one being filled ({@link #absorb}), so entries stay in the order taken.
 */
final class Batch {
  final List<PendingEntry> entries = new ArrayList<>();
  /** Sources that moved since the last commit, in the order first touched. */
  final Set<Source> sources = new LinkedHashSet<>();
  private final int maxEntries;
  private final long maxBytes;
  private long bytes;
  private long firstAtNanos;

  Batch(int maxEntries, long maxBytes) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  void add(PendingEntry entry) {
    touch(entry.source);
    entries.add(entry);
    bytes += entry.bytes;
  }

  /** Holds {@code maxEntries} entries or {@code maxBytes} encoded bytes: commit before adding more. */
  boolean full() {
    return entries.size() >= maxEntries || bytes >= maxBytes;
  }

  /** Entries that may still be added, 0 once {@link #full()}. */
  int room() {
    return full() ? 0 : maxEntries - entries.size();
  }

  /** Records that {@code source} moved (its checkpoint must be written) even without an entry. */
  void touch(Source source) {
    if (sources.isEmpty()) {
      firstAtNanos = System.nanoTime();
    }
    sources.add(source);
  }

  int size() {
    return entries.size();
  }

  /** Nothing to commit: no entry and no source that moved. */
  boolean isEmpty() {
    return sources.isEmpty();
  }

  /** Nanoseconds since the first thing was taken, 0 when empty. */
  long ageNanos(long nowNanos) {
    return isEmpty() ? 0 : nowNanos - firstAtNanos;
  }

  /** Moves everything into a new batch and leaves this one empty. */
  Batch detach() {
    Batch moved = new Batch(maxEntries, maxBytes);
    moved.entries.addAll(entries);
    moved.sources.addAll(sources);
    moved.bytes = bytes;
    moved.firstAtNanos = firstAtNanos;
    clear();
    return moved;
  }

  /** Puts {@code earlier}'s entries and sources (taken before this batch's) in front of this batch's. */
  void absorb(Batch earlier) {
    if (earlier.isEmpty()) {
      return;
    }
    List<PendingEntry> later = new ArrayList<>(entries);
    entries.clear();
    entries.addAll(earlier.entries);
    entries.addAll(later);
    Set<Source> laterSources = new LinkedHashSet<>(sources);
    sources.clear();
    sources.addAll(earlier.sources);
    sources.addAll(laterSources);
    firstAtNanos = earlier.firstAtNanos;
    bytes += earlier.bytes;
  }

  void clear() {
    entries.clear();
    sources.clear();
    bytes = 0;
  }
}
