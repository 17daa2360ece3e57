package dev.metadb.event;

import java.time.Instant;

/** One MCP tool call with its timing and outcome. */
public record McpToolCall(
    String source,
    @Required String tool,
    String agent,
    Instant tsUtcStart,
    Instant tsUtcEnd,
    Long durationMs,
    Boolean success,
    String error,
    Boolean timeoutRace,
    String requestJson,
    String responseJson)
    implements Event {}
