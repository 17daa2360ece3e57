package dev.metadb.event;

/** Work handed to a clone agent, and its outcome. */
public record CloneDispatch(
    @Required String cloneId,
    String agent,
    String brief,
    String branch,
    String status,
    Long exitCode,
    String detailJson)
    implements Event {}
