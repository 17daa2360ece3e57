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
 * <p>Two exist at once while a commit runs in the background ({@link BatchWriter}): the one in
 * flight ({@link #detach}) and the one being filled; a failed background commit is merged back in
 * front of the one being filled ({@link #absorb}), so entries stay in the order taken.
 */
final class Batch {
  final List<PendingEntry> entries = new ArrayList<>();
  /** Sources that moved since the last commit, in the order first touched. */
  final Set<Source> sources = new LinkedHashSet<>();
  private long firstAtNanos;

  void add(PendingEntry entry) {
    touch(entry.source);
    entries.add(entry);
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
    Batch moved = new Batch();
    moved.entries.addAll(entries);
    moved.sources.addAll(sources);
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
  }

  void clear() {
    entries.clear();
    sources.clear();
  }
}
