package dev.metadb.replay;

import dev.metadb.event.EnvelopeCodec;
import dev.metadb.writer.Home;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * What one replay run does.
 *
 * @param home the metadb home: meta.db, the replay lock, logs/quarantine and logs/replayed
 * @param sources the files, in the order they are replayed
 * @param dryRun read and validate everything, write nothing (no rows, ledger, quarantine, moves)
 * @param batchLines lines per transaction (default {@value #DEFAULT_BATCH_LINES}); the ledger
 *     offset advances once per batch, so this bounds the work a kill -9 throws away
 * @param maxLineBytes longest line accepted, in bytes without the line break; longer lines are
 *     quarantined without being read into memory. The default is the longest spool line a writer
 *     can produce ({@link #DEFAULT_MAX_LINE_BYTES}), so no event that record accepted and
 *     reported SPOOLED is ever turned away here
 * @param settle how long a file must have been left unmodified before replay treats it as
 *     finished (its trailing incomplete line is torn, the file may move); default 60 s, for a
 *     writer that picked yesterday's file name just before midnight
 * @param clock gives "today" (UTC) and "now" for those decisions
 */
public record ReplayRequest(
    Home home, List<ReplaySource> sources, boolean dryRun, int batchLines, int maxLineBytes, Duration settle, Clock clock) {
  public static final int DEFAULT_BATCH_LINES = 2_000;
  /**
   * The longest spool line a writer can produce ({@link EnvelopeCodec#MAX_LINE_BYTES}). The
   * largest events record accepts are too big for a queue entry (16 MiB), and so always travel
   * through the spool.
   */
  public static final int DEFAULT_MAX_LINE_BYTES = EnvelopeCodec.MAX_LINE_BYTES;
  public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(60);

  public ReplayRequest {
    sources = List.copyOf(sources);
    if (batchLines < 1) {
      throw new IllegalArgumentException("batchLines must be at least 1, got " + batchLines);
    }
    if (maxLineBytes < 1024 || maxLineBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("maxLineBytes must be between 1024 and 2^31-17, got " + maxLineBytes);
    }
    if (settle.isNegative()) {
      throw new IllegalArgumentException("settle must not be negative, got " + settle);
    }
  }

  /** A request with the defaults. */
  public static ReplayRequest of(Home home, List<ReplaySource> sources, boolean dryRun) {
    return new ReplayRequest(
        home, sources, dryRun, DEFAULT_BATCH_LINES, DEFAULT_MAX_LINE_BYTES, DEFAULT_SETTLE, Clock.systemUTC());
  }

  public ReplayRequest withBatchLines(int lines) {
    return new ReplayRequest(home, sources, dryRun, lines, maxLineBytes, settle, clock);
  }

  public ReplayRequest withMaxLineBytes(int bytes) {
    return new ReplayRequest(home, sources, dryRun, batchLines, bytes, settle, clock);
  }

  public ReplayRequest withSettle(Duration duration) {
    return new ReplayRequest(home, sources, dryRun, batchLines, maxLineBytes, duration, clock);
  }

  public ReplayRequest withClock(Clock newClock) {
    return new ReplayRequest(home, sources, dryRun, batchLines, maxLineBytes, settle, newClock);
  }
}
