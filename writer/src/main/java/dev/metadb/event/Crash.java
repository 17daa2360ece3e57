package dev.metadb.event;

/** A process or agent that died unexpectedly. */
public record Crash(@Required String kind, String agent, String detailJson) implements Event {}
