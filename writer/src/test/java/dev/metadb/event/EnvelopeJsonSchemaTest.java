package dev.metadb.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generated JSON Schema, checked by a real JSON Schema validator (networknt) against sample
 * envelopes of every table: it accepts what metadb's own validator accepts and refuses what it
 * refuses, case by case.
 */
class EnvelopeJsonSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema SCHEMA =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(EnvelopeJsonSchema.text(), InputFormat.JSON);

  /** A value of {@code column}'s type that the validator accepts. */
  private static JsonNode valid(Column column) {
    return switch (column.type()) {
      case TEXT -> JSON.getNodeFactory().textNode("text with \"quotes\" and\nnewline");
      case JSON -> JSON.getNodeFactory().textNode("{\"k\":[1,2]}");
      case INTEGER -> JSON.getNodeFactory().numberNode(Long.MAX_VALUE);
      case BOOLEAN -> JSON.getNodeFactory().booleanNode(true);
      case TIMESTAMP -> JSON.getNodeFactory().textNode("2026-11-25T02:44:00.123456Z");
      case ENUM -> JSON.getNodeFactory().textNode(column.allowed().get(column.allowed().size() - 1));
    };
  }

  /** A value of the wrong type for {@code column}. */
  private static JsonNode wrong(Column column) {
    return switch (column.type()) {
      case TEXT, TIMESTAMP -> JSON.getNodeFactory().numberNode(7);
      case JSON -> JSON.getNodeFactory().booleanNode(false);
      case INTEGER -> JSON.getNodeFactory().textNode("42");
      case BOOLEAN -> JSON.getNodeFactory().textNode("yes");
      case ENUM -> JSON.getNodeFactory().textNode("not-a-" + column.name());
    };
  }

  /** Values at the edges of {@code column}'s type: fractions and 2^63 for integers, JSON containers. */
  private static List<JsonNode> odd(Column column) {
    var f = JSON.getNodeFactory();
    return switch (column.type()) {
      case INTEGER -> List.of(f.numberNode(1.5), f.numberNode(new java.math.BigInteger("9223372036854775808")), f.numberNode(Long.MIN_VALUE));
      case JSON -> List.of(JSON.createObjectNode().put("k", 1), JSON.createArrayNode().add(1), f.numberNode(3));
      case BOOLEAN -> List.of(f.numberNode(1));
      case ENUM -> List.of(f.textNode(column.allowed().get(0).toUpperCase(java.util.Locale.ROOT)));
      case TEXT -> List.of(f.textNode(""));
      case TIMESTAMP -> List.of(f.textNode(""), f.textNode("yesterday"), f.textNode("2026-11-25 02:44:00"),
          f.textNode("2026-11-25T02:44Z"), f.textNode("2026-11-25T03:44:00.5+01:00"), f.textNode("2026-11-25T02:44:00.123456789Z"));
    };
  }

  private static ObjectNode envelope(Table table, boolean allColumns) {
    ObjectNode env = JSON.createObjectNode();
    env.put("table", table.sqlName());
    ObjectNode data = env.putObject("data");
    for (Column column : table.columns()) {
      if (allColumns || column.required()) {
        data.set(column.name(), valid(column));
      }
    }
    return env;
  }

  private static boolean schemaAccepts(JsonNode envelope) {
    List<Error> errors = SCHEMA.validate(envelope);
    return errors.isEmpty();
  }

  /** What metadb accepts at the inbox's edge: envelope fields, then the table's data. */
  private static boolean metadbAccepts(ObjectNode envelope) {
    ObjectNode stamped = envelope.deepCopy();
    if (!stamped.hasNonNull("ts_utc")) {
      stamped.put("ts_utc", "2026-11-25T02:44:00Z"); // the ingester stamps a missing one
    }
    try {
      EnvelopeCodec.decode(JSON.writeValueAsBytes(stamped));
      return true;
    } catch (InvalidEventException | com.fasterxml.jackson.core.JsonProcessingException e) {
      return false;
    }
  }

  @Test
  void theSchemaAndTheValidatorAgreeOnEveryTablesSamples() {
    List<String> disagreements = new ArrayList<>();
    int cases = 0;
    for (Table table : Table.values()) {
      List<ObjectNode> samples = new ArrayList<>();
      samples.add(envelope(table, true));
      samples.add(envelope(table, false));
      ObjectNode full = envelope(table, true);
      full.put("event_id", "01a210c6-46de-7000-9ab7-a5949568f0a9").put("ts_utc", "2026-11-25T02:44:00.123456Z")
          .put("host", "box").put("pid", 4242).put("v", 1);
      samples.add(full);
      for (Column column : table.columns()) {
        ObjectNode wrongType = envelope(table, true);
        ((ObjectNode) wrongType.get("data")).set(column.name(), wrong(column));
        samples.add(wrongType);
        for (JsonNode odd : odd(column)) {
          ObjectNode oddValue = envelope(table, true);
          ((ObjectNode) oddValue.get("data")).set(column.name(), odd);
          samples.add(oddValue);
        }
        ObjectNode nulled = envelope(table, true);
        ((ObjectNode) nulled.get("data")).putNull(column.name());
        samples.add(nulled); // refused exactly when the column is required
        if (column.required()) {
          ObjectNode missing = envelope(table, true);
          ((ObjectNode) missing.get("data")).remove(column.name());
          samples.add(missing);
        }
      }
      ObjectNode unknownColumn = envelope(table, false);
      ((ObjectNode) unknownColumn.get("data")).put("no_such_column", "x");
      samples.add(unknownColumn);
      ObjectNode extraField = envelope(table, false);
      extraField.put("severity", "high");
      samples.add(extraField);
      ObjectNode noData = envelope(table, false);
      noData.remove("data");
      samples.add(noData);
      ObjectNode badPid = envelope(table, false);
      badPid.put("pid", "4242");
      samples.add(badPid);
      ObjectNode longId = envelope(table, false);
      longId.put("event_id", "x".repeat(65));
      samples.add(longId);
      ObjectNode badTs = envelope(table, false);
      badTs.put("ts_utc", "25/11/2026");
      samples.add(badTs);
      ObjectNode offsetTs = envelope(table, false);
      offsetTs.put("ts_utc", "2026-11-25T03:44:00+01:00");
      samples.add(offsetTs);
      ObjectNode newerVersion = envelope(table, false);
      newerVersion.put("v", Envelope.VERSION + 1);
      samples.add(newerVersion);
      for (ObjectNode sample : samples) {
        cases++;
        boolean schema = schemaAccepts(sample);
        boolean metadb = metadbAccepts(sample);
        if (schema != metadb) {
          disagreements.add((metadb ? "metadb accepts, schema refuses: " : "schema accepts, metadb refuses: ") + sample);
        }
      }
    }
    ObjectNode unknownTable = JSON.createObjectNode();
    unknownTable.put("table", "mesages").putObject("data").put("source", "x");
    assertEquals(false, schemaAccepts(unknownTable));
    assertEquals(false, metadbAccepts(unknownTable));
    assertEquals(List.of(), disagreements, disagreements.size() + " of " + cases + " cases");
    assertTrue(cases > 16 * 10, "cases: " + cases);
  }

  @Test
  void theSchemaNamesEveryTableAndColumn() throws Exception {
    JsonNode schema = JSON.readTree(EnvelopeJsonSchema.text());
    assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
    assertEquals(Table.values().length, schema.at("/properties/table/enum").size());
    assertEquals(16, schema.get("$defs").size());
    for (Table table : Table.values()) {
      JsonNode def = schema.get("$defs").get(table.sqlName());
      assertEquals(table.columns().size(), def.get("properties").size(), table.sqlName());
      for (Column column : table.columns()) {
        assertTrue(def.get("properties").has(column.name()), table.sqlName() + "." + column.name());
      }
    }
  }
}
