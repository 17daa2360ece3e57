package dev.metadb.replay;

import dev.metadb.event.Envelope;
import dev.metadb.event.InvalidEventException;

/**
 * How one line of a file becomes an envelope: a spool line is an envelope already ({@link
 * SpoolLineFormat}); a trail line is one table's data object ({@link TrailLineFormat}). Both end
 * in {@code EnvelopeCodec.decode}, the validation {@code metadb record} and the ingester use.
 */
interface LineFormat {
  /**
   * Parses and validates one line's content (UTF-8, already checked well-formed).
   *
   * @throws InvalidEventException naming what is wrong, which becomes the quarantine reason
   */
  Envelope parse(byte[] bytes, int offset, int length) throws InvalidEventException;
}
