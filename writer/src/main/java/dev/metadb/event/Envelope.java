package dev.metadb.event;

import java.time.Instant;

/**
 * An event with its identity and origin: what a queue entry and a spool line both carry.
 *
 * @param eventId time-ordered UUID, the idempotence key of every insert
 * @param tsUtc when the event happened, microsecond precision
 * @param host the recording host's name; null only for imported lines that did not say
 * @param pid the recording process; null only for imported lines that did not say
 * @param event the table row
 */
public record Envelope(String eventId, Instant tsUtc, String host, Long pid, Event event) {
  /** The envelope format version this build writes and the newest it reads. */
  public static final int VERSION = 1;

  public Table table() {
    return event.table();
  }
}
