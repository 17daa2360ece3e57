package dev.metadb.ingester.lines;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.InvalidEventException;
import dev.metadb.event.JsonText;
import dev.metadb.event.Table;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A line of a source-specific trail ({@code --trail TABLE FILE}, e.g. {@code
 * watchdog-events-2026-11-25.jsonl}): one JSON object holding one table's columns, plus optionally
 * the envelope fields {@code ts_utc} (required in effect: an event needs its time), {@code
 * event_id}, {@code host} and {@code pid}, which no table has as a column.
 *
 * <pre>
 * {"ts_utc":"2026-11-25T02:44:00Z","event":"restart","agent":"clone-3","severity":"warn"}
 * </pre>
 *
 * <p>The line is rewritten as an envelope of that table and passed through {@code
 * EnvelopeCodec.decode}: the same validation as every other path. For {@code replay --trail}
 * (no {@link FileLineIds}) ts_utc is required and a missing event_id is derived from the
 * rewritten envelope's bytes, which depend only on the line's content (not on its whitespace or
 * line ending): importing the same trail twice inserts each event once. Tailed by the ingester
 * ({@code ingest --trail}), a missing ts_utc or event_id is filled in as for an inbox line.
 */
public final class TrailLineFormat implements LineFormat {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> ENVELOPE_FIELDS = List.of("event_id", "ts_utc", "host", "pid");

  private final Table table;
  private final FileLineIds ids;

  /** @param ids null: ts_utc required, ids derived from content (replay) */
  public TrailLineFormat(Table table, FileLineIds ids) {
    this.table = table;
    this.ids = ids;
    for (String field : ENVELOPE_FIELDS) {
      if (table.column(field).isPresent()) {
        throw new IllegalStateException(table.sqlName() + " has a column named like the envelope field " + field);
      }
    }
  }

  @Override
  public Envelope parse(byte[] bytes, int offset, int length, long lineStart) throws InvalidEventException {
    JsonNode line;
    try {
      line = JsonText.parse(bytes, offset, length);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException(table.sqlName(), null, "not valid JSON: " + JsonText.describe(e));
    } catch (IOException e) {
      throw new InvalidEventException(table.sqlName(), null, "unreadable: " + e.getMessage());
    }
    if (line == null || !line.isObject()) {
      throw new InvalidEventException(table.sqlName(), null, "expected one JSON object per line");
    }
    ObjectNode envelope = JSON.createObjectNode();
    ObjectNode data = JSON.createObjectNode();
    for (String field : ENVELOPE_FIELDS) {
      if (line.has(field)) {
        envelope.set(field, line.get(field));
      }
    }
    envelope.put("table", table.sqlName());
    for (Iterator<Map.Entry<String, JsonNode>> fields = line.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!ENVELOPE_FIELDS.contains(field.getKey())) {
        data.set(field.getKey(), field.getValue());
      }
    }
    envelope.set("data", data);
    byte[] rewritten;
    try {
      rewritten = JSON.writeValueAsBytes(envelope);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON tree did not serialise", e);
    }
    return EnvelopeCodec.decode(rewritten, 0, rewritten.length, ids == null ? null : ids.at(lineStart));
  }
}
