package dev.metadb.event;

/** Tokens spent by one model call or session, with its cost in micro-dollars. */
public record TokenUsage(
    String sessionId,
    String agent,
    String runtime,
    @Required String model,
    Long inputTokens,
    Long outputTokens,
    Long cachedInputTokens,
    Long costUsdMicros,
    String detailJson)
    implements Event {}
