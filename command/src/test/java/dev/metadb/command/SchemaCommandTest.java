package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.event.Table;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code metadb schema}: the tables as text, and the JSON Schema as one JSON document on stdout. */
class SchemaCommandTest {
  private static String run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    assertEquals(0, code, err.toString());
    assertEquals("", err.toString());
    return out.toString();
  }

  @Test
  void jsonSchemaIsOneDocumentCoveringEveryTable() throws Exception {
    JsonNode schema = new ObjectMapper().readTree(run("schema", "--json-schema"));
    assertEquals(Table.values().length, schema.get("$defs").size());
    assertEquals("object", schema.at("/$defs/messages/type").asText());
    assertEquals("inbound", schema.at("/$defs/messages/properties/direction/enum/0").asText());
    assertTrue(schema.at("/$defs/messages/required").toString().contains("\"source\""));
  }

  @Test
  void plainSchemaListsTablesAndColumns() {
    String text = run("schema");
    for (Table table : Table.values()) {
      assertTrue(text.contains(table.sqlName() + "\n"), table.sqlName());
    }
    assertTrue(text.contains("  direction              one of inbound, outbound, required\n"), text);
    assertTrue(run("schema", "--help").contains("Examples:"));
  }
}
