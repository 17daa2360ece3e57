package dev.metadb.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one place events are checked, whatever their source: typed records from the library,
 * JSON from {@code metadb record}, envelopes read back from the queue or the spool. Every stage
 * (record, ingest, replay) calls this, so what one accepts the others accept.
 *
 * <p>Rules: the table exists; no unknown field; required fields present and non-null; each value
 * has its column's type (integers integral and within 64 bits, booleans true/false, timestamps
 * ISO-8601, enum values among the allowed texts); {@code *_json} text parses as exactly one JSON
 * value; no string over {@link #MAX_VALUE_BYTES} bytes of UTF-8.
 */
public final class EventValidator {
  /** Largest accepted string value, in UTF-8 bytes (1 MiB). */
  public static final int MAX_VALUE_BYTES = 1 << 20;

  /** Streaming only (jackson-core): the record path never needs databind's heavier start-up. */
  static final JsonFactory FACTORY =
      JsonFactory.builder().disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  private EventValidator() {}

  /** The table called {@code name}, or a rejection that lists the tables there are. */
  public static Table table(String name) throws InvalidEventException {
    if (name == null || name.isEmpty()) {
      throw new InvalidEventException(null, "table", "missing table name (tables: " + Table.names() + ")");
    }
    return Table.byName(name)
        .orElseThrow(
            () ->
                new InvalidEventException(
                    name, null, "unknown table" + suggestion(Table.didYouMean(name)) + "(tables: " + Table.names() + ")"));
  }

  /** Checks an event built in Java (the typed {@code record*} methods). */
  public static void check(Event event) throws InvalidEventException {
    if (event == null) {
      throw new InvalidEventException(null, null, "event is null");
    }
    Table table = event.table();
    for (Column column : table.columns()) {
      Object value = column.get(event);
      if (value == null) {
        if (column.required()) {
          throw missing(table, column);
        }
      } else if (value instanceof String s) {
        checkSize(table, column, s);
        if (column.type() == ColumnType.JSON) {
          checkJsonText(table, column, s);
        }
      } else if (value instanceof Instant t && !Timestamps.inRange(t)) {
        throw new InvalidEventException(
            table.sqlName(), column.name(), "'" + t + "' is outside the accepted range, " + Timestamps.RANGE);
      }
    }
  }

  /** Builds and checks an event of {@code table} from a JSON object of column values. */
  public static Event fromJson(Table table, JsonNode data) throws InvalidEventException {
    if (data == null || !data.isObject()) {
      throw new InvalidEventException(
          table.sqlName(), null, "data must be a JSON object, got " + kind(data));
    }
    // One lookup per column; the fields are searched for an unknown one only when some field
    // matched no column (a name search per field was a twentieth of the ingester's decoding).
    List<Column> columns = table.columns();
    JsonNode[] nodes = new JsonNode[columns.size()];
    int present = 0;
    for (int i = 0; i < nodes.length; i++) {
      nodes[i] = data.get(columns.get(i).name());
      if (nodes[i] != null) {
        present++;
      }
    }
    String unknown = null;
    if (present != data.size()) {
      for (Iterator<String> names = data.fieldNames(); names.hasNext() && unknown == null; ) {
        String name = names.next();
        if (table.columnIndex(name) < 0) {
          unknown = name;
        }
      }
    }
    return fromColumns(table, nodes, unknown);
  }

  /**
   * Builds and checks an event of {@code table} from a data object's fields as a streaming reader
   * met them ({@link EnvelopeFields}): {@code names[i]} and {@code values[i]} for i below {@code
   * count}, in the object's order; a repeated name keeps its last value, as in a tree.
   */
  static Event fromFields(Table table, String[] names, JsonNode[] values, int count) throws InvalidEventException {
    JsonNode[] nodes = new JsonNode[table.columns().size()];
    String unknown = null;
    for (int i = 0; i < count; i++) {
      int column = table.columnIndex(names[i]);
      if (column >= 0) {
        nodes[column] = values[i];
      } else if (unknown == null) {
        unknown = names[i];
      }
    }
    return fromColumns(table, nodes, unknown);
  }

  /**
   * The event from each column's JSON value ({@code nodes}, in column order, null where absent);
   * {@code unknown} is the first field that is no column, refused before any value is looked at.
   */
  private static Event fromColumns(Table table, JsonNode[] nodes, String unknown) throws InvalidEventException {
    if (unknown != null) {
      throw unknownField(table, unknown);
    }
    List<Column> columns = table.columns();
    Object[] values = new Object[nodes.length];
    for (int i = 0; i < nodes.length; i++) {
      JsonNode node = nodes[i];
      values[i] = node == null || node.isNull() ? required(table, columns.get(i)) : convert(table, columns.get(i), node);
    }
    return table.newRecord(values);
  }

  /**
   * Builds and checks an event from {@code name=value} text pairs ({@code metadb record --field}):
   * each text is read as its column's type ({@code 42}, {@code true}, a timestamp, JSON text).
   */
  public static Event fromText(Table table, Map<String, String> fields) throws InvalidEventException {
    for (String name : fields.keySet()) {
      if (table.column(name).isEmpty()) {
        throw unknownField(table, name);
      }
    }
    Object[] values = new Object[table.columns().size()];
    int i = 0;
    for (Column column : table.columns()) {
      String text = fields.get(column.name());
      values[i++] = text == null ? required(table, column) : convertText(table, column, text);
    }
    return table.newRecord(values);
  }

  private static Object required(Table table, Column column) throws InvalidEventException {
    if (column.required()) {
      throw missing(table, column);
    }
    return null;
  }

  private static Object convert(Table table, Column column, JsonNode node) throws InvalidEventException {
    switch (column.type()) {
      case TEXT -> {
        if (!node.isTextual()) {
          throw wrongType(table, column, "a string", node);
        }
        return checkSize(table, column, node.textValue());
      }
      case JSON -> {
        if (node.isTextual()) {
          String text = checkSize(table, column, node.textValue());
          checkJsonText(table, column, text);
          return text;
        }
        if (node.isContainerNode()) {
          return checkSize(table, column, node.toString());
        }
        throw wrongType(table, column, "JSON text or a JSON object/array", node);
      }
      case INTEGER -> {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
          throw wrongType(table, column, "a 64-bit integer", node);
        }
        return node.longValue();
      }
      case BOOLEAN -> {
        if (!node.isBoolean()) {
          throw wrongType(table, column, "true or false", node);
        }
        return node.booleanValue();
      }
      case TIMESTAMP -> {
        if (!node.isTextual()) {
          throw wrongType(table, column, "an ISO-8601 timestamp string", node);
        }
        return timestamp(table, column, node.textValue());
      }
      case ENUM -> {
        if (!node.isTextual()) {
          throw wrongType(table, column, "one of " + column.allowed(), node);
        }
        return enumValue(table, column, node.textValue());
      }
    }
    throw new AssertionError(column.type());
  }

  private static Object convertText(Table table, Column column, String text) throws InvalidEventException {
    switch (column.type()) {
      case TEXT -> {
        return checkSize(table, column, text);
      }
      case JSON -> {
        checkSize(table, column, text);
        checkJsonText(table, column, text);
        return text;
      }
      case INTEGER -> {
        try {
          return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
          throw new InvalidEventException(
              table.sqlName(), column.name(), "expected a 64-bit integer, got '" + abbreviate(text) + "'");
        }
      }
      case BOOLEAN -> {
        return switch (text.trim()) {
          case "true", "1" -> Boolean.TRUE;
          case "false", "0" -> Boolean.FALSE;
          default -> throw new InvalidEventException(
              table.sqlName(), column.name(), "expected true or false, got '" + abbreviate(text) + "'");
        };
      }
      case TIMESTAMP -> {
        return timestamp(table, column, text);
      }
      case ENUM -> {
        return enumValue(table, column, text);
      }
    }
    throw new AssertionError(column.type());
  }

  private static Instant timestamp(Table table, Column column, String text) throws InvalidEventException {
    try {
      return Timestamps.parse(text);
    } catch (Timestamps.OutOfRangeException e) {
      throw new InvalidEventException(table.sqlName(), column.name(), e.getMessage());
    } catch (DateTimeParseException e) {
      throw new InvalidEventException(
          table.sqlName(),
          column.name(),
          "expected an ISO-8601 timestamp such as 2026-11-25T02:44:00.123456Z, got '"
              + abbreviate(text)
              + "'");
    }
  }

  private static Enum<?> enumValue(Table table, Column column, String text) throws InvalidEventException {
    Enum<?> constant = column.enumConstant(text);
    if (constant == null) {
      throw new InvalidEventException(
          table.sqlName(),
          column.name(),
          "'" + abbreviate(text) + "' is not one of " + String.join(", ", column.allowed()));
    }
    return constant;
  }

  private static String checkSize(Table table, Column column, String value) throws InvalidEventException {
    int length = value.length();
    if (length > MAX_VALUE_BYTES || (length > MAX_VALUE_BYTES / 3 && utf8Length(value) > MAX_VALUE_BYTES)) {
      throw new InvalidEventException(
          table.sqlName(),
          column.name(),
          "value is " + utf8Length(value) + " bytes, over the " + MAX_VALUE_BYTES + "-byte limit");
    }
    return value;
  }

  /** Exactly one JSON value, nothing after it: {@link PlainJson} when it is sure, else Jackson. */
  private static void checkJsonText(Table table, Column column, String text) throws InvalidEventException {
    if (PlainJson.isOneValue(text)) {
      return;
    }
    try (JsonParser parser = FACTORY.createParser(text)) {
      if (parser.nextToken() == null) {
        throw new InvalidEventException(table.sqlName(), column.name(), "is empty, expected JSON text");
      }
      parser.skipChildren();
      if (parser.nextToken() != null) {
        throw new InvalidEventException(
            table.sqlName(), column.name(), "has text after the JSON value: not valid JSON");
      }
    } catch (IOException e) {
      throw new InvalidEventException(
          table.sqlName(), column.name(), "is not valid JSON: " + firstLine(e.getMessage()));
    }
  }

  private static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static InvalidEventException missing(Table table, Column column) {
    return new InvalidEventException(table.sqlName(), column.name(), "required field is missing");
  }

  private static InvalidEventException unknownField(Table table, String name) {
    List<String> fields = table.columns().stream().map(Column::name).toList();
    return new InvalidEventException(
        table.sqlName(), abbreviate(name),
        "unknown field" + suggestion(NearestName.didYouMean(name, fields)) + "(fields: " + String.join(", ", fields) + ")");
  }

  /** " " when there is no suggestion, else {@code ", did you mean 'x'? "}. */
  private static String suggestion(String didYouMean) {
    return didYouMean.isEmpty() ? " " : ", " + didYouMean;
  }

  private static InvalidEventException wrongType(Table table, Column column, String expected, JsonNode got) {
    return new InvalidEventException(
        table.sqlName(), column.name(), "expected " + expected + ", got " + kind(got));
  }

  static String kind(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    JsonToken token = node.asToken();
    String shown = abbreviate(node.toString());
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "the string " + shown;
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + shown;
      case VALUE_TRUE, VALUE_FALSE -> "the boolean " + shown;
      case VALUE_NULL -> "null";
      default -> shown;
    };
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "parse error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
