package dev.metadb.ingester;

import dev.metadb.event.Envelope;

/**
 * One queue entry taken from a slot and not yet committed: its envelope, or, when it did not
 * decode, its raw bytes and the reason. {@link #spooled} records that its spool line is written,
 * so a batch retried after a database failure does not spool it twice.
 */
final class PendingEntry {
  final SlotReader slot;
  final long index;
  final Envelope envelope;
  final byte[] raw;
  final String problem;
  boolean spooled;

  private PendingEntry(SlotReader slot, long index, Envelope envelope, byte[] raw, String problem) {
    this.slot = slot;
    this.index = index;
    this.envelope = envelope;
    this.raw = raw;
    this.problem = problem;
  }

  static PendingEntry decoded(SlotReader slot, long index, Envelope envelope) {
    return new PendingEntry(slot, index, envelope, null, null);
  }

  static PendingEntry undecodable(SlotReader slot, long index, byte[] raw, String problem) {
    return new PendingEntry(slot, index, null, raw, problem);
  }

  /** Where the entry came from, for spool reasons and logs: {@code slot-03 index 0x4e5f00000012}. */
  String origin() {
    return slot.name() + " index 0x" + Long.toHexString(index);
  }
}
