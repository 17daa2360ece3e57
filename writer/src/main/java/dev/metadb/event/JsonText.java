package dev.metadb.event;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The one parser of JSON that comes from outside metadb: {@code record --json}, {@code record -}
 * lines, queue entries, spool, trail and inbox lines. It reads exactly one JSON value and then
 * requires the end of the input: {@code {"a":1}{"a":2}} or {@code {"a":1} junk} is an error, never
 * a silently shortened event (Jackson's own readTree stops after the first value). Whitespace
 * around the value is allowed.
 *
 * <p>The tree is built here from jackson-core's tokens on databind's node classes, exactly as
 * {@code ObjectMapper.readTree} builds it with default settings (integers as int, long or big
 * integer nodes by size, other numbers as double nodes, a repeated key keeps its last value), but
 * without an ObjectMapper: creating one costs a cold {@code metadb record} more than the rest of
 * its work.
 */
public final class JsonText {
  private JsonText() {}

  /** One JSON value from UTF-8 {@code bytes[offset, offset + length)}, nothing but whitespace after it; null for none. */
  public static JsonNode parse(byte[] bytes, int offset, int length) throws IOException {
    try (JsonParser parser = EventValidator.FACTORY.createParser(bytes, offset, length)) {
      return whole(parser);
    }
  }

  /** One JSON value from {@code text}, nothing but whitespace after it; null for none. */
  public static JsonNode parse(String text) throws IOException {
    try (JsonParser parser = EventValidator.FACTORY.createParser(text)) {
      return whole(parser);
    }
  }

  private static JsonNode whole(JsonParser parser) throws IOException {
    if (parser.nextToken() == null) {
      return null; // no value at all, as readTree answers (callers name the empty input)
    }
    JsonNode value = tree(parser);
    JsonLocation after = parser.currentLocation();
    try {
      if (parser.nextToken() == null) {
        return value;
      }
      after = parser.currentTokenLocation();
    } catch (JsonParseException junk) {
      // Not even a token: still text after the value, reported the same way.
    }
    throw new JsonParseException(
        parser, "more text after the JSON value, at column " + after.getColumnNr() + " (one JSON value only)", after);
  }

  /** The value starting at the parser's current token; leaves the parser on its last token. */
  private static JsonNode tree(JsonParser parser) throws IOException {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    return switch (parser.currentToken()) {
      case START_OBJECT -> {
        ObjectNode object = nodes.objectNode();
        for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
          parser.nextToken();
          object.replace(key, tree(parser));
        }
        yield object;
      }
      case START_ARRAY -> {
        ArrayNode array = nodes.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(tree(parser));
        }
        yield array;
      }
      case VALUE_STRING -> nodes.textNode(parser.getText());
      case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
        case INT -> nodes.numberNode(parser.getIntValue());
        case LONG -> nodes.numberNode(parser.getLongValue());
        default -> nodes.numberNode(parser.getBigIntegerValue());
      };
      case VALUE_NUMBER_FLOAT -> nodes.numberNode(parser.getDoubleValue());
      case VALUE_TRUE -> nodes.booleanNode(true);
      case VALUE_FALSE -> nodes.booleanNode(false);
      case VALUE_NULL -> nodes.nullNode();
      default -> throw new JsonParseException(parser, "unexpected token " + parser.currentToken());
    };
  }
}
