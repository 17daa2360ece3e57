package dev.metadb.ingester;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every source the ingester reads, by name, and the round-robin that fills a batch from them, so
 * one busy writer cannot starve the others: each fill starts one source further along.
 */
final class Sources implements AutoCloseable {
  private final Map<String, Source> byName = new TreeMap<>();
  private int roundStart;

  Source get(String name) {
    return byName.get(name);
  }

  void add(Source source) {
    byName.put(source.name(), source);
  }

  /** Forgets {@code source} and closes it. */
  void remove(Source source) {
    byName.remove(source.name(), source);
    source.close();
  }

  /** Re-keys a source whose name changed (an inbox file renamed). */
  void renamed(String oldName, Source source) {
    byName.remove(oldName, source);
    byName.put(source.name(), source);
  }

  Collection<Source> all() {
    return byName.values();
  }

  /** The sources of one kind. */
  <T extends Source> List<T> of(Class<T> kind) {
    List<T> found = new ArrayList<>();
    for (Source source : byName.values()) {
      if (kind.isInstance(source)) {
        found.add(kind.cast(source));
      }
    }
    return found;
  }

  /** Takes round-robin until the batch is {@link Batch#full()} or no source has more. */
  int fill(Batch batch) throws IOException {
    if (byName.isEmpty()) {
      return 0;
    }
    List<Source> order = new ArrayList<>(byName.values());
    int n = order.size();
    roundStart = (roundStart + 1) % n;
    int taken = 0;
    for (int i = 0; i < n && !batch.full(); i++) {
      taken += order.get((roundStart + i) % n).take(batch, batch.room());
    }
    return taken;
  }

  /** Closes every source; the first failure is thrown after all were tried. */
  @Override
  public void close() {
    RuntimeException first = null;
    for (Source source : byName.values()) {
      try {
        source.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    byName.clear();
    if (first != null) {
      throw first;
    }
  }
}
