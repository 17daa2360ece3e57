package dev.metadb.event;

/** A merge of a clone's branch back into its target. */
public record HarvestEvent(
    @Required String sourceBranch,
    String targetBranch,
    String commitSha,
    String status,
    Long conflicts,
    String detailJson)
    implements Event {}
