package dev.metadb.event;

/** An instruction from the owner and what was done about it. */
public record OwnerDirective(
    @Required String source,
    String chatId,
    String rawText,
    String resolvedAction,
    String agent,
    String status,
    String detailJson)
    implements Event {}
