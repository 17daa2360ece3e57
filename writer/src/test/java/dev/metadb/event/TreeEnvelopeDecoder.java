package dev.metadb.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;

/**
 * The oracle of {@link EnvelopeDecoderEquivalenceTest}: {@code EnvelopeCodec.decode} as it was
 * before the streaming decoder (commit b3b6ef5), a whole Jackson tree per line, then the checks
 * on the tree. Kept verbatim so the test compares the new decoder against the old behaviour,
 * messages included; it is not used by anything else.
 */
final class TreeEnvelopeDecoder {
  private TreeEnvelopeDecoder() {}

  static Envelope decode(byte[] bytes, int offset, int length, EnvelopeCodec.Missing missing) throws InvalidEventException {
    JsonNode root;
    try {
      root = JsonText.parse(bytes, offset, length);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException(null, null, "not valid JSON: " + JsonText.describe(e));
    } catch (IOException e) {
      throw new InvalidEventException(null, null, "unreadable: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidEventException(null, null, "expected a JSON object, got " + EventValidator.kind(root));
    }
    for (var names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      switch (name) {
        case "event_id", "table", "ts_utc", "host", "pid", "v", "data", "spool" -> {}
        default -> throw new InvalidEventException(
            null, EventValidator.abbreviate(name), "unknown envelope field (fields: event_id, table, ts_utc, host, pid, v, data, spool)");
      }
    }
    Table table = EventValidator.table(text(root, "table", null));
    String tableName = table.sqlName();
    JsonNode v = root.get("v");
    if (v != null && !v.isNull()) {
      if (!v.isInt()) {
        throw new InvalidEventException(tableName, "v", "expected an integer envelope version");
      }
      if (v.intValue() > Envelope.VERSION) {
        throw new InvalidEventException(
            tableName, "v", "envelope version " + v.intValue() + " is newer than this metadb (" + Envelope.VERSION + ")");
      }
    }
    String tsText = text(root, "ts_utc", tableName);
    Instant ts;
    if (tsText == null && missing == null) {
      throw new InvalidEventException(tableName, "ts_utc", "required envelope field is missing");
    }
    if (tsText == null) {
      ts = missing.tsUtc().get();
    } else {
      try {
        ts = Timestamps.parse(tsText);
      } catch (Timestamps.OutOfRangeException e) {
        throw new InvalidEventException(tableName, "ts_utc", e.getMessage());
      } catch (java.time.format.DateTimeParseException e) {
        throw new InvalidEventException(tableName, "ts_utc", "expected an ISO-8601 timestamp, got '" + EventValidator.abbreviate(tsText) + "'");
      }
    }
    String eventId = text(root, "event_id", tableName);
    if (eventId == null) {
      eventId = missing == null
          ? EventIds.derived(ts, java.util.Arrays.copyOfRange(bytes, offset, offset + length))
          : missing.eventId().get();
    } else if (eventId.isEmpty() || eventId.length() > 64) {
      throw new InvalidEventException(tableName, "event_id", "must be 1 to 64 characters");
    }
    String host = text(root, "host", tableName);
    Long pid = null;
    JsonNode pidNode = root.get("pid");
    if (pidNode != null && !pidNode.isNull()) {
      if (!pidNode.isIntegralNumber() || !pidNode.canConvertToLong()) {
        throw new InvalidEventException(tableName, "pid", "expected an integer, got " + EventValidator.kind(pidNode));
      }
      pid = pidNode.longValue();
    }
    JsonNode data = root.get("data");
    if (data == null) {
      throw new InvalidEventException(tableName, "data", "required envelope field is missing");
    }
    Event event = EventValidator.fromJson(table, data);
    return new Envelope(eventId, ts, host, pid, event);
  }

  private static String text(JsonNode root, String field, String table) throws InvalidEventException {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new InvalidEventException(table, field, "expected a string, got " + EventValidator.kind(node));
    }
    return node.textValue();
  }
}
