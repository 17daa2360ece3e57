package dev.metadb.event;

import java.time.Instant;

/** A workspace (worktree) created for a piece of work, and how it ended. */
public record Workspace(
    @Required String name, String branch, Instant tsUtcCreated, Instant tsUtcDeleted, String verdict)
    implements Event {}
