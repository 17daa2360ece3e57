package dev.metadb.event;

import java.time.Instant;

/**
 * Why a line is in the error spool: which stage put it there, the reason, and when.
 *
 * @param stage {@code writer} (the queue refused it) or {@code ingester} (SQLite refused it)
 * @param reason one line naming the failure
 * @param at when it was spooled
 */
public record SpoolStamp(String stage, String reason, Instant at) {
  public static final String WRITER = "writer";
  public static final String INGESTER = "ingester";
}
