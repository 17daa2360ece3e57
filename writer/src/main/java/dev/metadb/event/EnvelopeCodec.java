package dev.metadb.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The one envelope codec: the same UTF-8 JSON bytes go into a queue entry and a spool line.
 *
 * <pre>
 * {"event_id":"0193a1c2-...","table":"messages","ts_utc":"2026-11-25T02:44:00.123456Z",
 *  "host":"box","pid":4242,"v":1,"data":{"source":"bus","direction":"inbound",...}
 *  [,"spool":{"stage":"writer","reason":"...","at":"..."}]}
 * </pre>
 *
 * <p>INVARIANTS
 *
 * <ol>
 *   <li>Output is one line: JSON escapes every control character, so a spool line never
 *       contains a raw newline and the spool stays one object per line.
 *   <li>{@code data} holds exactly the table's columns; null columns are omitted. JSON columns
 *       are JSON strings holding the text, so the text round-trips byte for byte.
 *   <li>{@link #decode} accepts exactly what {@link #encode} writes plus what a person could write
 *       by hand: a missing {@code event_id} is derived from the line's bytes ({@link
 *       EventIds#derived}), a missing host or pid stays null, unknown top-level keys are refused,
 *       and so is anything after the object ({@link JsonText#whole}): an entry is one whole value.
 *       Everything is validated by {@link EventValidator}, as at record time.
 *   <li>{@link #decode} reads a line in one streaming pass ({@link EnvelopeFields}, no tree) and
 *       answers exactly as a Jackson tree of the line would: the same envelope or the same
 *       refusal, message for message ({@code EnvelopeDecoderEquivalenceTest}).
 * </ol>
 */
public final class EnvelopeCodec {
  /**
   * The longest line an envelope can encode to, in bytes without the line break: every text and
   * JSON value of the table with the most of them at {@link EventValidator#MAX_VALUE_BYTES}, each
   * byte a character that JSON escapes to six ({@code \u0001}), plus 1 MiB for the envelope fields
   * and a spool stamp (about 61 MiB). Every reader of lines (replay, the inbox ingester) accepts
   * lines up to this length, so no event a writer accepted is ever turned away for its size.
   */
  public static final int MAX_LINE_BYTES = largestLine();

  private EnvelopeCodec() {}

  private static int largestLine() {
    long widest = 0;
    for (Table table : Table.values()) {
      widest = Math.max(widest, table.columns().stream()
          .filter(c -> c.type() == ColumnType.TEXT || c.type() == ColumnType.JSON).count());
    }
    return Math.toIntExact(widest * 6 * EventValidator.MAX_VALUE_BYTES + (1 << 20));
  }

  /** Writes {@code envelope} (and, for a spool line, its stamp) as one JSON object, no newline. */
  public static void encode(Envelope envelope, SpoolStamp stamp, OutputStream out) throws IOException {
    try (JsonGenerator g = EventValidator.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("event_id", envelope.eventId());
      Table table = envelope.table();
      g.writeStringField("table", table.sqlName());
      g.writeStringField("ts_utc", Timestamps.format(envelope.tsUtc()));
      if (envelope.host() != null) {
        g.writeStringField("host", envelope.host());
      }
      if (envelope.pid() != null) {
        g.writeNumberField("pid", envelope.pid());
      }
      g.writeNumberField("v", Envelope.VERSION);
      g.writeObjectFieldStart("data");
      Event event = envelope.event();
      for (Column column : table.columns()) {
        Object value = column.get(event);
        if (value == null) {
          continue;
        }
        g.writeFieldName(column.name());
        switch (column.type()) {
          case TEXT, JSON -> g.writeString((String) value);
          case INTEGER -> g.writeNumber((Long) value);
          case BOOLEAN -> g.writeBoolean((Boolean) value);
          case TIMESTAMP -> g.writeString(Timestamps.format((Instant) value));
          case ENUM -> g.writeString(((EnumValue) value).wire());
        }
      }
      g.writeEndObject();
      if (stamp != null) {
        g.writeObjectFieldStart("spool");
        g.writeStringField("stage", stamp.stage());
        g.writeStringField("reason", stamp.reason());
        g.writeStringField("at", Timestamps.format(stamp.at()));
        g.writeEndObject();
      }
      g.writeEndObject();
    }
  }

  /** {@link #encode(Envelope, SpoolStamp, OutputStream)} into a new array. */
  public static byte[] encode(Envelope envelope, SpoolStamp stamp) {
    var out = new java.io.ByteArrayOutputStream(256);
    try {
      encode(envelope, stamp, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * What {@link #decode(byte[], int, int, Missing)} puts in place of an envelope field a line
   * leaves out (an inbox or trail line, written by a shell one-liner).
   *
   * @param tsUtc the time of a line without {@code ts_utc} (the inbox: when it was first read)
   * @param eventId the id of a line without {@code event_id} (the inbox: {@link
   *     EventIds#derivedForLine}, from the file and the line's offset)
   */
  public record Missing(Supplier<Instant> tsUtc, Supplier<String> eventId) {}

  /** Parses and validates one envelope from UTF-8 JSON bytes; ts_utc is required. */
  public static Envelope decode(byte[] bytes, int offset, int length) throws InvalidEventException {
    return decode(bytes, offset, length, null);
  }

  /**
   * Parses and validates one envelope; {@code missing} (null: ts_utc required, a missing event_id
   * derived from the line's bytes) fills in ts_utc and event_id when the line has none.
   */
  public static Envelope decode(byte[] bytes, int offset, int length, Missing missing) throws InvalidEventException {
    EnvelopeFields line;
    try (JsonParser parser = EventValidator.FACTORY.createParser(bytes, offset, length)) {
      line = JsonText.whole(parser, EnvelopeFields::read);
    } catch (JsonProcessingException e) {
      throw new InvalidEventException(null, null, "not valid JSON: " + JsonText.describe(e));
    } catch (IOException e) {
      throw new InvalidEventException(null, null, "unreadable: " + e.getMessage());
    }
    if (line == null || line.notAnObject != null) {
      throw new InvalidEventException(
          null, null, "expected a JSON object, got " + EventValidator.kind(line == null ? null : line.notAnObject));
    }
    if (line.unknown != null) {
      throw new InvalidEventException(
          null, EventValidator.abbreviate(line.unknown), "unknown envelope field (fields: event_id, table, ts_utc, host, pid, v, data, spool)");
    }
    Table table = EventValidator.table(text(line.table, "table", null));
    String tableName = table.sqlName();
    JsonNode v = line.v;
    if (v != null && !v.isNull()) {
      if (!v.isInt()) {
        throw new InvalidEventException(tableName, "v", "expected an integer envelope version");
      }
      if (v.intValue() > Envelope.VERSION) {
        throw new InvalidEventException(
            tableName, "v", "envelope version " + v.intValue() + " is newer than this metadb (" + Envelope.VERSION + ")");
      }
    }
    String tsText = text(line.tsUtc, "ts_utc", tableName);
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
    String eventId = text(line.eventId, "event_id", tableName);
    if (eventId == null) {
      eventId = missing == null
          ? EventIds.derived(ts, java.util.Arrays.copyOfRange(bytes, offset, offset + length))
          : missing.eventId().get();
    } else if (eventId.isEmpty() || eventId.length() > 64) {
      throw new InvalidEventException(tableName, "event_id", "must be 1 to 64 characters");
    }
    String host = text(line.host, "host", tableName);
    Long pid = null;
    JsonNode pidNode = line.pid;
    if (pidNode != null && !pidNode.isNull()) {
      if (!pidNode.isIntegralNumber() || !pidNode.canConvertToLong()) {
        throw new InvalidEventException(tableName, "pid", "expected an integer, got " + EventValidator.kind(pidNode));
      }
      pid = pidNode.longValue();
    }
    if (!line.hasData) {
      throw new InvalidEventException(tableName, "data", "required envelope field is missing");
    }
    Event event = line.dataNotAnObject != null
        ? EventValidator.fromJson(table, line.dataNotAnObject) // refused there: data must be an object
        : EventValidator.fromFields(table, line.dataNames, line.dataValues, line.dataCount);
    return new Envelope(eventId, ts, host, pid, event);
  }

  /** {@link #decode(byte[], int, int)} over a whole array. */
  public static Envelope decode(byte[] bytes) throws InvalidEventException {
    return decode(bytes, 0, bytes.length);
  }

  /** An envelope field's text (null when absent or null), or a refusal naming what it was instead. */
  private static String text(JsonNode node, String field, String table) throws InvalidEventException {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new InvalidEventException(table, field, "expected a string, got " + EventValidator.kind(node));
    }
    return node.textValue();
  }
}
