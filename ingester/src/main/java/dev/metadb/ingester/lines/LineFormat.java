package dev.metadb.ingester.lines;

import dev.metadb.event.Envelope;
import dev.metadb.event.InvalidEventException;

/**
 * How one line of a file becomes an envelope: a spool or inbox line is an envelope already; a
 * trail line is one table's data object ({@link TrailLineFormat}). All end in {@code
 * EnvelopeCodec.decode}, the validation {@code metadb record} and the ingester use.
 */
public interface LineFormat {
  /**
   * Parses and validates one line's content (UTF-8, already checked well-formed).
   *
   * @param lineStart the file offset of the line's first byte (for the ids of lines without one)
   * @throws InvalidEventException naming what is wrong, which becomes the quarantine reason
   */
  Envelope parse(byte[] bytes, int offset, int length, long lineStart) throws InvalidEventException;
}
