package dev.metadb.event;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one parser of JSON that comes from outside metadb: {@code record --json}, {@code record -}
 * lines, queue entries, spool, trail and inbox lines. It reads exactly one JSON value and then
 * requires the end of the input: {@code {"a":1}{"a":2}} or {@code {"a":1} junk} is an error, never
 * a silently shortened event (Jackson's own readTree stops after the first value). Whitespace
 * around the value is allowed. {@link #describe} says what is wrong with text that does not parse,
 * in a person's words: where (line, column) and what, never Jackson's internals.
 *
 * <p>The tree is built here from jackson-core's tokens on databind's node classes, exactly as
 * {@code ObjectMapper.readTree} builds it with default settings (integers as int, long or big
 * integer nodes by size, other numbers as double nodes, a repeated key keeps its last value), but
 * without an ObjectMapper: creating one costs a cold {@code metadb record} more than the rest of
 * its work.
 */
public final class JsonText {
  private static final Pattern UNEXPECTED_CHARACTER = Pattern.compile("^Unexpected character \\('(.+?)' \\(code [^)]*\\)\\)");
  private static final Pattern UNRECOGNIZED_TOKEN = Pattern.compile("^Unrecognized token '(.*?)'");
  private static final Pattern CONTROL_CHARACTER = Pattern.compile("^Illegal (unquoted )?character \\(\\(CTRL-CHAR, code (\\d+)\\)\\)");
  private static final Pattern TOO_DEEP = Pattern.compile("^Document nesting depth \\(\\d+\\) exceeds the maximum allowed \\((\\d+)");
  /** Jackson's references to its own input and settings, which say nothing to a person. */
  private static final Pattern JACKSON_SOURCE = Pattern.compile("\\s*\\(?(start marker at )?\\[Source: .*$", Pattern.DOTALL);

  private JsonText() {}

  /**
   * Where and what, for JSON text that does not parse: {@code line 1, column 17: unexpected '}'}.
   * Lines and columns count from 1, columns in characters of that line.
   */
  public static String describe(JsonProcessingException e) {
    String jackson = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    JsonLocation at = e.getLocation();
    if (at == null || at.getLineNr() < 1) {
      return what(jackson);
    }
    // Jackson places an unrecognized token's error after the token: say where it starts.
    Matcher token = UNRECOGNIZED_TOKEN.matcher(jackson);
    int column = Math.max(1, at.getColumnNr() - (token.find() ? token.group(1).length() : 0));
    return "line " + at.getLineNr() + ", column " + column + ": " + what(jackson);
  }

  /** As {@link #describe} for text that is one line of something else: {@code column 17: unexpected '}'}. */
  public static String describeInLine(JsonProcessingException e) {
    return describe(e).replaceFirst("^line 1, ", "");
  }

  private static String what(String jackson) {
    Matcher character = UNEXPECTED_CHARACTER.matcher(jackson);
    if (character.find()) {
      return "unexpected '" + character.group(1) + "'";
    }
    Matcher token = UNRECOGNIZED_TOKEN.matcher(jackson);
    if (token.find()) {
      return "unexpected '" + token.group(1) + "'";
    }
    Matcher control = CONTROL_CHARACTER.matcher(jackson);
    if (control.find()) {
      return "unexpected control character (code " + control.group(2) + ")"
          + (control.group(1) != null ? ": escape it inside a string" : "");
    }
    Matcher deep = TOO_DEEP.matcher(jackson);
    if (deep.find()) {
      return "JSON nested deeper than " + deep.group(1) + " levels";
    }
    if (jackson.startsWith("Unexpected end-of-input")) {
      return "unexpected end of input"
          + (jackson.contains("Object") ? " (an object is not closed)"
              : jackson.contains("Array") ? " (an array is not closed)"
              : jackson.contains("in a String value") || jackson.contains("in field name") ? " (a string is not closed)"
              : "");
    }
    String text = JACKSON_SOURCE.matcher(jackson.lines().findFirst().orElse("")).replaceAll("");
    return text.isEmpty() ? "not valid JSON" : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }

  /** One JSON value from UTF-8 {@code bytes[offset, offset + length)}, nothing but whitespace after it; null for none. */
  public static JsonNode parse(byte[] bytes, int offset, int length) throws IOException {
    try (JsonParser parser = EventValidator.FACTORY.createParser(bytes, offset, length)) {
      return whole(parser, JsonText::value);
    }
  }

  /** One JSON value from {@code text}, nothing but whitespace after it; null for none. */
  public static JsonNode parse(String text) throws IOException {
    try (JsonParser parser = EventValidator.FACTORY.createParser(text)) {
      return whole(parser, JsonText::value);
    }
  }

  /** Reads the value starting at the parser's current token and leaves the parser on its last token. */
  interface ValueReader<T> {
    T read(JsonParser parser) throws IOException;
  }

  /**
   * What {@code reader} makes of the one value in the parser's input, then the end of the input
   * (whitespace aside): text after the value is an error. Null when there is no value at all, as
   * readTree answers (callers name the empty input).
   */
  static <T> T whole(JsonParser parser, ValueReader<T> reader) throws IOException {
    if (parser.nextToken() == null) {
      return null;
    }
    T value = reader.read(parser);
    JsonLocation after = parser.currentLocation();
    try {
      if (parser.nextToken() == null) {
        return value;
      }
      after = parser.currentTokenLocation();
    } catch (JsonParseException junk) {
      // Not even a token: still text after the value, reported the same way.
    }
    throw new JsonParseException(parser, "more text after the JSON value (one JSON value only)", after);
  }

  /** The value starting at the parser's current token, as a tree; leaves the parser on its last token. */
  static JsonNode value(JsonParser parser) throws IOException {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    return switch (parser.currentToken()) {
      case START_OBJECT -> {
        ObjectNode object = nodes.objectNode();
        for (String key = parser.nextFieldName(); key != null; key = parser.nextFieldName()) {
          parser.nextToken();
          object.replace(key, value(parser));
        }
        yield object;
      }
      case START_ARRAY -> {
        ArrayNode array = nodes.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(value(parser));
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
