package dev.metadb.bench;

/**
 * How a reader runs an operator's SQL against a home: straight on SQLite (the baseline) or
 * through {@code metadb query}'s in-process API. {@link #run} returns only after every result row
 * has been read, so its time is the whole answer's.
 */
interface ReadPath extends AutoCloseable {
  /** Runs {@code sql} and returns how many rows the answer had. */
  long run(String sql) throws Exception;

  @Override
  void close() throws Exception;
}
