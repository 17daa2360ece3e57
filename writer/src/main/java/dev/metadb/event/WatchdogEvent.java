package dev.metadb.event;

/** Something the watchdog saw or did. */
public record WatchdogEvent(
    @Required String event, String agent, String severity, String status, String detailJson)
    implements Event {}
