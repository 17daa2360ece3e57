package dev.metadb.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.InvalidEventException;
import dev.metadb.ingester.lines.LineFormat;
import java.io.IOException;

/**
 * A line of the error spool: one envelope as {@code EnvelopeCodec} writes it (its {@code spool}
 * stamp is ignored), decoded and validated by {@code EnvelopeCodec.decode}. A line without an
 * event_id gets the id {@code decode} derives from the line's bytes, so replaying it twice still
 * inserts it once.
 *
 * <p>An entry the writer could not even decode is spooled as {@code {"raw_base64":...,"spool":
 * {...}}}; it is rejected with the reason the writer recorded, since its bytes failed decoding
 * once already.
 */
final class SpoolLineFormat implements LineFormat {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Envelope parse(byte[] bytes, int offset, int length, long lineStart) throws InvalidEventException {
    try {
      return EnvelopeCodec.decode(bytes, offset, length);
    } catch (InvalidEventException e) {
      if ("raw_base64".equals(e.field())) {
        throw new InvalidEventException(null, null, "spooled undecodable: " + spoolReason(bytes, offset, length));
      }
      throw e;
    }
  }

  private static String spoolReason(byte[] bytes, int offset, int length) {
    try {
      JsonNode spool = JSON.readTree(bytes, offset, length).path("spool");
      return "the " + spool.path("stage").asText("?") + " could not decode it (" + spool.path("reason").asText("no reason given") + ")";
    } catch (IOException e) {
      return "the entry did not decode when it was spooled";
    }
  }
}
