package dev.metadb.ingester.lines;

import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.InvalidEventException;

/**
 * A line of an inbox file: one envelope ({@code table} and {@code data} required; {@code
 * event_id}, {@code ts_utc}, {@code host}, {@code pid} optional), decoded and validated by
 * {@code EnvelopeCodec.decode}; a missing id or time is filled in by {@link FileLineIds}.
 */
public final class InboxLineFormat implements LineFormat {
  private final FileLineIds ids;

  public InboxLineFormat(FileLineIds ids) {
    this.ids = ids;
  }

  @Override
  public Envelope parse(byte[] bytes, int offset, int length, long lineStart) throws InvalidEventException {
    return EnvelopeCodec.decode(bytes, offset, length, ids.at(lineStart));
  }
}
