package dev.metadb.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Arrays;

/**
 * One envelope line read in one pass of jackson-core's parser, without a tree: each envelope
 * field's value and the {@code data} object's fields, for {@link EnvelopeCodec#decode} to check.
 * A tree per line (an object node per envelope and per data, a map entry per field, then a
 * lookup per column) was about a fifth of decoding one (1.3 us per line against 1.0 us after, warm,
 * same lines; jackson-core's tokens alone take 0.6 us).
 *
 * <p>INVARIANTS (what makes it decode exactly as the tree did)
 *
 * <ol>
 *   <li>It reads every token the tree reader ({@link JsonText#value}) reads and asks the parser
 *       for the same things (each value is read by {@link JsonText#value} itself, as a leaf node
 *       for a scalar), inside {@link JsonText#whole}: a line that does not parse fails with the
 *       same exception at the same place, and nothing is judged until the whole line parsed.
 *   <li>It only collects. A repeated key keeps its last value (a repeated {@code data}, its last
 *       object or value), and the first unknown key in the line's order is the one remembered, as
 *       an insertion-ordered tree gave; the checks and their messages stay with {@link
 *       EnvelopeCodec#decode} and {@link EventValidator}.
 *   <li>Data fields are kept by name until the table is known ({@code table} may come after
 *       {@code data} in a hand-written line).
 * </ol>
 */
final class EnvelopeFields {
  /** The whole value when it is not an object; then nothing else is set. */
  JsonNode notAnObject;
  /** The first top-level key that is no envelope field, or null. */
  String unknown;
  JsonNode eventId;
  JsonNode table;
  JsonNode tsUtc;
  JsonNode host;
  JsonNode pid;
  JsonNode v;
  /** Whether the line has a {@code data} key. */
  boolean hasData;
  /** {@code data}'s value when it is not an object, else null. */
  JsonNode dataNotAnObject;
  /** The data object's fields in the line's order, repeats included: names and values. */
  String[] dataNames = new String[16];
  JsonNode[] dataValues = new JsonNode[16];
  int dataCount;

  /** The fields of the line starting at the parser's current token (a {@link JsonText.ValueReader}). */
  static EnvelopeFields read(JsonParser parser) throws IOException {
    EnvelopeFields fields = new EnvelopeFields();
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      fields.notAnObject = JsonText.value(parser);
      return fields;
    }
    for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
      parser.nextToken();
      switch (key) {
        case "event_id" -> fields.eventId = JsonText.value(parser);
        case "table" -> fields.table = JsonText.value(parser);
        case "ts_utc" -> fields.tsUtc = JsonText.value(parser);
        case "host" -> fields.host = JsonText.value(parser);
        case "pid" -> fields.pid = JsonText.value(parser);
        case "v" -> fields.v = JsonText.value(parser);
        case "data" -> fields.readData(parser);
        case "spool" -> JsonText.value(parser); // a spool line's stamp: read (it must parse), not kept
        default -> {
          JsonText.value(parser);
          if (fields.unknown == null) {
            fields.unknown = key;
          }
        }
      }
    }
    return fields;
  }

  private void readData(JsonParser parser) throws IOException {
    hasData = true;
    dataCount = 0;
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      dataNotAnObject = JsonText.value(parser);
      return;
    }
    dataNotAnObject = null;
    for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
      parser.nextToken();
      if (dataCount == dataNames.length) {
        dataNames = Arrays.copyOf(dataNames, dataCount * 2);
        dataValues = Arrays.copyOf(dataValues, dataCount * 2);
      }
      dataNames[dataCount] = name;
      dataValues[dataCount++] = JsonText.value(parser);
    }
  }
}
