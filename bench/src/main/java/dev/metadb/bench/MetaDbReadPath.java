package dev.metadb.bench;

import java.nio.file.Path;

/**
 * Reads through {@code metadb query}'s in-process API: the metadb topology's reader. Wired in
 * when the query stage lands; until then {@link #available()} says no and the harness reports
 * the metadb reads as not run.
 */
final class MetaDbReadPath {
  static final String MISSING = "the query stage's in-process API is not in this build";

  private MetaDbReadPath() {}

  static boolean available() {
    return false;
  }

  static ReadPath open(Path home) {
    throw new UnsupportedOperationException(MISSING);
  }
}
