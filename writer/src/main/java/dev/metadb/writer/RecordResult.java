package dev.metadb.writer;

/**
 * What became of one {@code record} call.
 *
 * @param status where the event went
 * @param eventId the event's id (set whatever the status)
 * @param reason null when queued or in the inbox; why the queue or inbox refused it when spooled;
 *     both failures when failed
 */
public record RecordResult(Status status, String eventId, String reason) {
  public enum Status {
    /** Appended to this process's writer slot; the ingester will put it in meta.db. */
    QUEUED,
    /** Appended to an inbox file ({@link Inbox}); the ingester will put it in meta.db. */
    INBOX,
    /** The queue (or the inbox) could not take it; it is a line in the error spool, for replay. */
    SPOOLED,
    /** Neither the queue (or inbox) nor the spool took it. The event is not stored; the caller knows. */
    FAILED
  }

  /** True when the event is stored somewhere durable (queue, inbox or spool). */
  public boolean recorded() {
    return status != Status.FAILED;
  }
}
