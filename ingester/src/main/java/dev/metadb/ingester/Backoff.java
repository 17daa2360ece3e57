package dev.metadb.ingester;

/**
 * Capped exponential backoff for retrying a failed batch: 100 ms, 200 ms, ... up to 5 s, then 5 s
 * for as long as the failure lasts. One instance per failure episode.
 */
final class Backoff {
  static final long FIRST_MILLIS = 100;
  static final long CAP_MILLIS = 5_000;

  private long next = FIRST_MILLIS;

  /** The next wait, in milliseconds. */
  long next() {
    long wait = next;
    next = Math.min(CAP_MILLIS, next * 2);
    return wait;
  }
}
