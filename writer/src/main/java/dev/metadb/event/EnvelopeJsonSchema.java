package dev.metadb.event;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A JSON Schema (draft 2020-12) of the envelope a process writes into the inbox, generated from
 * {@link Table}, so programs in other languages can validate events before they append them
 * ({@code metadb schema --json-schema}).
 *
 * <p>What it states, rule for rule as {@link EnvelopeCodec} and {@link EventValidator} check it:
 * {@code table} (one of the 16) and {@code data} are required; {@code event_id} 1 to 64
 * characters; {@code ts_utc} an ISO-8601 instant; {@code pid} an integer; no other top-level
 * field; per table, {@code data} holds only that table's columns, required ones present and not
 * null, each of its column's type (64-bit integers, booleans, date-times, enum texts, strings;
 * {@code *_json} columns a string of JSON text, or the JSON object or array itself).
 *
 * <p>What it cannot state: that a {@code *_json} string parses as JSON, and the 1 MiB limit in
 * UTF-8 bytes (JSON Schema counts characters: {@code maxLength} is the same number, which every
 * string within the byte limit meets). The validator still checks both.
 */
public final class EnvelopeJsonSchema {
  private EnvelopeJsonSchema() {}

  /** The schema as pretty-printed JSON text, ending in a newline. */
  public static String text() {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = EventValidator.FACTORY.createGenerator(out).useDefaultPrettyPrinter()) {
      write(g);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return out + "\n";
  }

  private static void write(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField("$schema", "https://json-schema.org/draft/2020-12/schema");
    g.writeStringField("$id", "urn:metadb:envelope:v" + Envelope.VERSION);
    g.writeStringField("title", "metadb envelope: one line of an inbox file");
    g.writeStringField("description", "Append as \"\\n\" + this object + \"\\n\" in one write() to "
        + "<home>/inbox/<source>-YYYY-MM-DD.jsonl (see docs/inbox.md). Without event_id the ingester derives "
        + "one from the file and the line's offset; without ts_utc it stamps the time it first read the line.");
    g.writeStringField("type", "object");
    g.writeArrayFieldStart("required");
    g.writeString("table");
    g.writeString("data");
    g.writeEndArray();
    g.writeBooleanField("additionalProperties", false);

    g.writeObjectFieldStart("properties");
    g.writeObjectFieldStart("event_id");
    g.writeArrayFieldStart("type");
    g.writeString("string");
    g.writeString("null");
    g.writeEndArray();
    g.writeNumberField("minLength", 1);
    g.writeNumberField("maxLength", 64);
    g.writeStringField("description", "idempotence key; a UUIDv7 is recommended (time-ordered)");
    g.writeEndObject();
    g.writeObjectFieldStart("table");
    g.writeArrayFieldStart("enum");
    for (Table table : Table.values()) {
      g.writeString(table.sqlName());
    }
    g.writeEndArray();
    g.writeEndObject();
    nullable(g, "ts_utc", "string", true);
    nullable(g, "host", "string", false);
    g.writeObjectFieldStart("pid");
    g.writeArrayFieldStart("type");
    g.writeString("integer");
    g.writeString("null");
    g.writeEndArray();
    g.writeEndObject();
    g.writeObjectFieldStart("v");
    g.writeArrayFieldStart("type");
    g.writeString("integer");
    g.writeString("null");
    g.writeEndArray();
    g.writeNumberField("maximum", Envelope.VERSION);
    g.writeStringField("description", "envelope version; this metadb reads up to " + Envelope.VERSION);
    g.writeEndObject();
    g.writeObjectFieldStart("data");
    g.writeStringField("type", "object");
    g.writeEndObject();
    g.writeEndObject();

    // data's shape depends on table: one if/then per table.
    g.writeArrayFieldStart("allOf");
    for (Table table : Table.values()) {
      g.writeStartObject();
      g.writeObjectFieldStart("if");
      g.writeArrayFieldStart("required");
      g.writeString("table");
      g.writeEndArray();
      g.writeObjectFieldStart("properties");
      g.writeObjectFieldStart("table");
      g.writeStringField("const", table.sqlName());
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndObject();
      g.writeObjectFieldStart("then");
      g.writeObjectFieldStart("properties");
      g.writeObjectFieldStart("data");
      g.writeStringField("$ref", "#/$defs/" + table.sqlName());
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();

    g.writeObjectFieldStart("$defs");
    for (Table table : Table.values()) {
      tableSchema(g, table);
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void tableSchema(JsonGenerator g, Table table) throws IOException {
    g.writeObjectFieldStart(table.sqlName());
    g.writeStringField("type", "object");
    g.writeStringField("description", "the columns of table " + table.sqlName());
    g.writeArrayFieldStart("required");
    for (Column column : table.columns()) {
      if (column.required()) {
        g.writeString(column.name());
      }
    }
    g.writeEndArray();
    g.writeBooleanField("additionalProperties", false);
    g.writeObjectFieldStart("properties");
    for (Column column : table.columns()) {
      g.writeObjectFieldStart(column.name());
      columnSchema(g, column);
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void columnSchema(JsonGenerator g, Column column) throws IOException {
    List<String> types = switch (column.type()) {
      case TEXT, TIMESTAMP -> List.of("string");
      case JSON -> List.of("string", "object", "array");
      case INTEGER -> List.of("integer");
      case BOOLEAN -> List.of("boolean");
      case ENUM -> List.of();
    };
    if (column.type() == ColumnType.ENUM) {
      g.writeArrayFieldStart("enum");
      for (String value : column.allowed()) {
        g.writeString(value);
      }
      if (!column.required()) {
        g.writeNull();
      }
      g.writeEndArray();
      return;
    }
    g.writeArrayFieldStart("type");
    for (String type : types) {
      g.writeString(type);
    }
    if (!column.required()) {
      g.writeString("null");
    }
    g.writeEndArray();
    switch (column.type()) {
      case TEXT -> g.writeNumberField("maxLength", EventValidator.MAX_VALUE_BYTES);
      case JSON -> {
        g.writeNumberField("maxLength", EventValidator.MAX_VALUE_BYTES);
        g.writeStringField("description", "JSON text (a string that parses as one JSON value), or the JSON object or array itself");
      }
      case INTEGER -> {
        g.writeNumberField("minimum", Long.MIN_VALUE);
        g.writeNumberField("maximum", Long.MAX_VALUE);
      }
      case TIMESTAMP -> timestamp(g);
      case BOOLEAN, ENUM -> {}
    }
  }

  /**
   * An ISO-8601 instant as {@link Timestamps#parse} reads it. {@code format} alone is only an
   * annotation in draft 2020-12, so the shape is also a pattern that validators must enforce.
   */
  private static void timestamp(JsonGenerator g) throws IOException {
    g.writeStringField("format", "date-time");
    g.writeStringField("pattern", TIMESTAMP_PATTERN);
  }

  /** Date, T, hours and minutes, optional seconds and fraction, then Z or an offset. */
  static final String TIMESTAMP_PATTERN =
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}:[0-9]{2})$";

  private static void nullable(JsonGenerator g, String name, String type, boolean timestamp) throws IOException {
    g.writeObjectFieldStart(name);
    g.writeArrayFieldStart("type");
    g.writeString(type);
    g.writeString("null");
    g.writeEndArray();
    if (timestamp) {
      timestamp(g);
    }
    g.writeEndObject();
  }
}
