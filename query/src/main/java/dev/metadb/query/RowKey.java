package dev.metadb.query;

/**
 * The position of a row in key order: its ts_utc in microseconds, then its id.
 *
 * @param tsMicros ts_utc, microseconds since the epoch
 * @param id SQLite's INTEGER PRIMARY KEY
 */
record RowKey(long tsMicros, long id) implements Comparable<RowKey> {
  @Override
  public int compareTo(RowKey other) {
    int c = Long.compare(tsMicros, other.tsMicros);
    return c != 0 ? c : Long.compare(id, other.id);
  }
}
