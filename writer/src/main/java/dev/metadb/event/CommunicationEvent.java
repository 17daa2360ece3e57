package dev.metadb.event;

/** A send or receive through an external communication tool. */
public record CommunicationEvent(
    @Required String source,
    String tool,
    String direction,
    String messageId,
    String chatId,
    String handle,
    String agent,
    String body,
    String status,
    String detailJson)
    implements Event {}
