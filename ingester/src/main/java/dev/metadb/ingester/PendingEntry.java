package dev.metadb.ingester;

import dev.metadb.event.Envelope;

/**
 * One entry taken from a source and not yet committed: its envelope, or, when a queue entry did
 * not decode, its raw bytes and the reason. {@link #spooled} records that its spool line is
 * written, so a batch retried after a database failure does not spool it twice.
 *
 * @see Source#origin for what {@code position} means (queue index, line number)
 */
final class PendingEntry {
  final Source source;
  final long position;
  final Envelope envelope;
  final byte[] raw;
  final String problem;
  final int bytes;
  boolean spooled;

  private PendingEntry(Source source, long position, Envelope envelope, byte[] raw, String problem, int bytes) {
    this.source = source;
    this.position = position;
    this.envelope = envelope;
    this.raw = raw;
    this.problem = problem;
    this.bytes = bytes;
  }

  static PendingEntry decoded(Source source, long position, Envelope envelope, int bytes) {
    return new PendingEntry(source, position, envelope, null, null, bytes);
  }

  static PendingEntry undecodable(Source source, long position, byte[] raw, String problem) {
    return new PendingEntry(source, position, null, raw, problem, raw.length);
  }

  /** Where the entry came from: {@code slot-03 index 0x4e5f00000012}, {@code inbox/a.jsonl line 7}. */
  String origin() {
    return source.origin(position);
  }
}
