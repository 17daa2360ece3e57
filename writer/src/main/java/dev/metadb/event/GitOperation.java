package dev.metadb.event;

/** A git operation (fetch, push, merge, ...) and its result. */
public record GitOperation(
    @Required String operation,
    String repo,
    String branch,
    String remote,
    String fromSha,
    String toSha,
    String status,
    String detailJson)
    implements Event {}
