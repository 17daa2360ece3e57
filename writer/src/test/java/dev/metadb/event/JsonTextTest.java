package dev.metadb.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link JsonText} builds the very tree {@code ObjectMapper.readTree} builds, node class and all. */
class JsonTextTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Test
  void theTreeIsReadTreesTree() throws IOException {
    for (String json : List.of(
        "{\"source\":\"a\",\"n\":1,\"big\":9223372036854775807,\"bigger\":92233720368547758070,\"neg\":-2147483649}",
        "{\"f\":1.5,\"e\":1e3,\"tiny\":-0.0,\"huge\":1.7976931348623157E308,\"t\":true,\"no\":false,\"nil\":null}",
        "[1,[2,[3,{\"a\":[]}]],{},\"\\u00e9\\ud83d\\ude00\\n\"]",
        "{\"dup\":1,\"dup\":\"last wins\"}",
        "  \"just a string\"  ", "42", "null", "{\"nested\":{\"deeper\":{\"deepest\":[null,true]}}}")) {
      JsonNode expected = MAPPER.readTree(json);
      JsonNode actual = JsonText.parse(json);
      assertEquals(expected, actual, json);
      assertEquals(expected.toString(), actual.toString(), json);
      assertEquals(classes(expected), classes(actual), json);
    }
  }

  @Test
  void emptyInputIsNoValueAndTrailingTextIsRefused() throws IOException {
    assertNull(JsonText.parse("   "));
    assertThrows(IOException.class, () -> JsonText.parse("{\"a\":1} junk"));
    assertThrows(IOException.class, () -> JsonText.parse("{\"a\":1}{\"a\":2}"));
    assertThrows(IOException.class, () -> JsonText.parse("{\"a\":"));
  }

  private static String classes(JsonNode node) {
    StringBuilder s = new StringBuilder(node.getClass().getSimpleName());
    node.fields().forEachRemaining(e -> s.append(' ').append(e.getKey()).append('=').append(classes(e.getValue())));
    if (node.isArray()) {
      node.forEach(child -> s.append(" [").append(classes(child)).append(']'));
    }
    return s.toString();
  }
}
