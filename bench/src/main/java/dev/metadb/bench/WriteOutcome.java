package dev.metadb.bench;

import dev.metadb.writer.RecordResult;

/**
 * What one timed write did.
 *
 * @param kind the outcome
 * @param error for a failure, what the sink said (kept for the first failure of a writer)
 */
record WriteOutcome(Kind kind, String error) {
  enum Kind {
    /** In durable storage: a committed row (baseline) or a queue entry (metadb). */
    STORED,
    /** Not in the main store but in the JSONL error spool, from where replay applies it. */
    SPOOLED,
    /** Lost to the caller: neither stored nor spooled. */
    FAILED,
    /** Failed because a lock could not be had in time (SQLITE_BUSY after the busy timeout). */
    LOCK_ERROR
  }

  static final WriteOutcome STORED = new WriteOutcome(Kind.STORED, null);
  static final WriteOutcome SPOOLED = new WriteOutcome(Kind.SPOOLED, null);

  static WriteOutcome failed(String error) {
    return new WriteOutcome(Kind.FAILED, error);
  }

  static WriteOutcome lockError(String error) {
    return new WriteOutcome(Kind.LOCK_ERROR, error);
  }

  /**
   * What the writer library's answer means here: QUEUED and INBOX are stored, SPOOLED is spooled;
   * FAILED is a lock error when the reason is a lock wait, else a failure.
   */
  static WriteOutcome of(RecordResult result) {
    return switch (result.status()) {
      case QUEUED, INBOX -> STORED;
      case SPOOLED -> new WriteOutcome(Kind.SPOOLED, "spooled: " + result.reason());
      case FAILED -> result.reason() != null && result.reason().contains("lock")
          ? lockError(result.reason())
          : failed(result.reason());
    };
  }
}
