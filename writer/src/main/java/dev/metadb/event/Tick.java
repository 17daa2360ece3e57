package dev.metadb.event;

/** A periodic heartbeat from a loop or daemon. */
public record Tick(@Required String source, String detailJson) implements Event {}
