package dev.metadb.event;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link PlainJson} accepts only what Jackson accepts (the rule that lets it skip Jackson), and
 * accepts the JSON text columns events ordinarily carry (or it would save nothing).
 */
class PlainJsonTest {
  @Test
  void acceptsOrdinaryJsonText() {
    for (String text : new String[] {"{}", "[]", "{\"a\":1}", " {\"a\": [1, -2.5e+3, true, false, null, \"x\\n\\u00e9\"]} ",
        "\"just a string\"", "0", "-0.0", "{\"nested\":{\"deeper\":[{\"k\":\"v\"}]}}", "\"caf\u00e9 \uD83D\uDE00\""}) {
      assertTrue(PlainJson.isOneValue(text), text);
      assertTrue(jacksonAccepts(text), text);
    }
  }

  @Test
  void leavesToJacksonWhatItRefusesOrIsUnsureOf() {
    for (String text : new String[] {"", " ", "{", "{\"a\":1}x", "{\"a\":1} {}", "01", "[01]", "+1", "1.", ".5", "1e", "NaN",
        "{'a':1}", "{a:1}", "[1,]", "{\"a\":1,}", "\"tab\there\"", "\"\\x\"", "\"\\u12g4\"", "\"\\u\uFF10\uFF10\uFF10\uFF10\"",
        "\"\\uD800\"", "tru", "nul", "[1 2]", "{\"a\" 1}", "\u00a0{}", "[" .repeat(100) + "]".repeat(100)}) {
      assertFalse(PlainJson.isOneValue(text), text);
    }
  }

  /** Random JSON-like texts, many of them broken by a random edit: never accepted unless Jackson accepts. */
  @Test
  void neverAcceptsWhatJacksonRefuses() {
    SplittableRandom random = new SplittableRandom(29);
    String alphabet = "{}[]\":,.-+eE0123456789truefalsn \t\n\\/u\u00e9x\u0001'";
    int accepted = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder text = new StringBuilder(value(random, 0));
      int edits = random.nextInt(3);
      for (int e = 0; e < edits && text.length() > 0; e++) {
        int at = random.nextInt(text.length());
        switch (random.nextInt(3)) {
          case 0 -> text.deleteCharAt(at);
          case 1 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      String s = text.toString();
      if (PlainJson.isOneValue(s)) {
        accepted++;
        assertTrue(jacksonAccepts(s), () -> "accepted what Jackson refuses: " + s);
      }
    }
    assertTrue(accepted > 50_000, "the generator mostly makes valid JSON: " + accepted + " accepted");
  }

  private static String value(SplittableRandom random, int depth) {
    int kind = random.nextInt(depth > 4 ? 4 : 6);
    return switch (kind) {
      case 0 -> random.nextBoolean() ? "true" : random.nextBoolean() ? "false" : "null";
      case 1 -> (random.nextBoolean() ? "-" : "") + random.nextInt(1000) + (random.nextBoolean() ? "." + random.nextInt(100) : "")
          + (random.nextInt(4) == 0 ? "e" + (random.nextBoolean() ? "+" : "-") + random.nextInt(20) : "");
      case 2, 3 -> "\"" + (random.nextBoolean() ? "ab\\n" : "") + (random.nextInt(5) == 0 ? "\\u00" + (10 + random.nextInt(90)) : "x") + "\"";
      case 4 -> {
        StringBuilder b = new StringBuilder("[");
        for (int i = random.nextInt(4); i > 0; i--) {
          b.append(value(random, depth + 1)).append(i > 1 ? ", " : "");
        }
        yield b.append(']').toString();
      }
      default -> {
        StringBuilder b = new StringBuilder("{ ");
        for (int i = random.nextInt(4); i > 0; i--) {
          b.append("\"k").append(i).append("\" : ").append(value(random, depth + 1)).append(i > 1 ? ",\n" : "");
        }
        yield b.append('}').toString();
      }
    };
  }

  /** What EventValidator's Jackson check accepts: one value, nothing after it. */
  private static boolean jacksonAccepts(String text) {
    try (JsonParser parser = EventValidator.FACTORY.createParser(text)) {
      if (parser.nextToken() == null) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null;
    } catch (IOException e) {
      return false;
    }
  }
}
