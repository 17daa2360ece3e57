package dev.metadb.event;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * The one parser of JSON that comes from outside metadb: {@code record --json}, {@code record -}
 * lines, queue entries, spool, trail and inbox lines. It reads exactly one JSON value and then
 * requires the end of the input: {@code {"a":1}{"a":2}} or {@code {"a":1} junk} is an error, never
 * a silently shortened event (Jackson's own readTree stops after the first value). Whitespace
 * around the value is allowed.
 */
public final class JsonText {
  private JsonText() {}

  /** One JSON value from UTF-8 {@code bytes[offset, offset + length)}, nothing but whitespace after it. */
  public static JsonNode parse(byte[] bytes, int offset, int length) throws IOException {
    try (JsonParser parser = EventValidator.FACTORY.createParser(bytes, offset, length)) {
      return whole(parser);
    }
  }

  /** One JSON value from {@code text}, nothing but whitespace after it. */
  public static JsonNode parse(String text) throws IOException {
    try (JsonParser parser = EventValidator.FACTORY.createParser(text)) {
      return whole(parser);
    }
  }

  private static JsonNode whole(JsonParser parser) throws IOException {
    JsonNode value = EventValidator.Trees.MAPPER.readTree(parser);
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
}
