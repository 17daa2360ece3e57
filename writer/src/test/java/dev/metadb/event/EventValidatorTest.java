package dev.metadb.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every rejection names the table and field, and says what is wrong. */
class EventValidatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String reject(String table, String json) throws Exception {
    Table t = EventValidator.table(table);
    return assertThrows(InvalidEventException.class, () -> EventValidator.fromJson(t, JSON.readTree(json))).getMessage();
  }

  @Test
  void unknownTableListsTheTables() {
    String message = assertThrows(InvalidEventException.class, () -> EventValidator.table("mesages")).getMessage();
    assertTrue(message.startsWith("mesages: unknown table, did you mean 'messages'? (tables: "), message);
    assertTrue(message.contains("messages") && message.contains("iroh_events"), message);
  }

  @Test
  void missingRequiredField() throws Exception {
    assertEquals("messages.direction: required field is missing", reject("messages", "{\"source\":\"bus\"}"));
    assertEquals("messages.source: required field is missing", reject("messages", "{\"source\":null,\"direction\":\"inbound\"}"));
  }

  @Test
  void wrongTypes() throws Exception {
    assertEquals("cli_invocations.exit_code: expected a 64-bit integer, got the string \"zero\"",
        reject("cli_invocations", "{\"bin\":\"git\",\"exit_code\":\"zero\"}"));
    assertEquals("cli_invocations.duration_ms: expected a 64-bit integer, got the number 1.5",
        reject("cli_invocations", "{\"bin\":\"git\",\"duration_ms\":1.5}"));
    assertEquals("cli_invocations.exit_code: expected a 64-bit integer, got the number 99999999999999999999",
        reject("cli_invocations", "{\"bin\":\"git\",\"exit_code\":99999999999999999999}"));
    assertEquals("mcp_tool_calls.success: expected true or false, got the number 1",
        reject("mcp_tool_calls", "{\"tool\":\"t\",\"success\":1}"));
    assertEquals("ticks.source: expected a string, got an object", reject("ticks", "{\"source\":{}}"));
    assertTrue(reject("workspaces", "{\"name\":\"w\",\"ts_utc_created\":\"yesterday\"}")
        .startsWith("workspaces.ts_utc_created: expected an ISO-8601 timestamp"));
    assertEquals("ticks: data must be a JSON object, got an array", reject("ticks", "[1]"));
  }

  @Test
  void enumOutOfRange() throws Exception {
    assertEquals("messages.direction: 'sideways' is not one of inbound, outbound",
        reject("messages", "{\"source\":\"bus\",\"direction\":\"sideways\"}"));
    assertEquals("sessions.event: 'UP' is not one of up, down, note", reject("sessions", "{\"agent\":\"a\",\"event\":\"UP\"}"));
    assertTrue(reject("source_errors", "{\"source\":\"s\",\"error_class\":\"oops\"}")
        .endsWith("is not one of timeout, auth_failure, rate_limit, network_error, protocol_error, not_found, permission_denied, unknown"));
    assertTrue(reject("iroh_events", "{\"event_type\":\"wave\"}").startsWith("iroh_events.event_type: 'wave' is not one of connect"));
  }

  @Test
  void jsonColumnsMustHoldJson() throws Exception {
    assertTrue(reject("ticks", "{\"source\":\"w\",\"detail_json\":\"{not json\"}").startsWith("ticks.detail_json: is not valid JSON"));
    assertEquals("ticks.detail_json: has text after the JSON value: not valid JSON",
        reject("ticks", "{\"source\":\"w\",\"detail_json\":\"{} {}\"}"));
    assertEquals("ticks.detail_json: is empty, expected JSON text", reject("ticks", "{\"source\":\"w\",\"detail_json\":\"  \"}"));
    Event ok = EventValidator.fromJson(Table.TICKS, JSON.readTree("{\"source\":\"w\",\"detail_json\":{\"a\":[1,2]}}"));
    assertEquals("{\"a\":[1,2]}", ((Tick) ok).detailJson());
  }

  @Test
  void stringsOverTheSizeLimit() throws Exception {
    String big = "x".repeat(EventValidator.MAX_VALUE_BYTES + 1);
    String message = reject("messages", "{\"source\":\"bus\",\"direction\":\"inbound\",\"body\":\"" + big + "\"}");
    assertEquals("messages.body: value is 1048577 bytes, over the 1048576-byte limit", message);
    // Multi-byte characters count as their UTF-8 bytes, not as chars.
    String wide = "\u00e9".repeat(EventValidator.MAX_VALUE_BYTES / 2 + 1);
    assertTrue(reject("messages", "{\"source\":\"bus\",\"direction\":\"inbound\",\"body\":\"" + wide + "\"}").contains("over the 1048576-byte limit"));
    InvalidEventException typed = assertThrows(InvalidEventException.class, () -> EventValidator.check(new Tick(big, null)));
    assertEquals("ticks.source: value is 1048577 bytes, over the 1048576-byte limit", typed.getMessage());
  }

  @Test
  void unknownFieldListsTheFields() throws Exception {
    assertEquals("ticks.sorce: unknown field, did you mean 'source'? (fields: source, detail_json)", reject("ticks", "{\"sorce\":\"w\"}"));
    assertEquals("ticks.zzz: unknown field (fields: source, detail_json)", reject("ticks", "{\"zzz\":\"w\"}"));
  }

  @Test
  void typedRecordsAreCheckedToo() {
    assertEquals("messages.direction: required field is missing",
        assertThrows(InvalidEventException.class, () -> EventValidator.check(new Message("bus", null, null, null, null, null, null))).getMessage());
    String message = assertThrows(InvalidEventException.class, () -> EventValidator.check(new Crash("oom", null, "x"))).getMessage();
    assertTrue(message.startsWith("crashes.detail_json: is not valid JSON: Unrecognized token 'x'"), message);
  }

  @Test
  void textFieldsAreReadAsTheirColumnType() throws Exception {
    Event e = EventValidator.fromText(Table.MCP_TOOL_CALLS, Map.of(
        "tool", "search", "duration_ms", "42", "success", "true", "ts_utc_start", "2026-11-25T02:44:00.1234567+01:00"));
    McpToolCall call = (McpToolCall) e;
    assertEquals(42L, call.durationMs());
    assertEquals(Boolean.TRUE, call.success());
    assertEquals("2026-11-25T01:44:00.123456Z", Timestamps.format(call.tsUtcStart()));
    assertEquals("cli_invocations.exit_code: expected a 64-bit integer, got 'one'",
        assertThrows(InvalidEventException.class, () -> EventValidator.fromText(Table.CLI_INVOCATIONS, Map.of("bin", "x", "exit_code", "one"))).getMessage());
  }
}
