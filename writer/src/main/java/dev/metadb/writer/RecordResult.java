package dev.metadb.writer;

/**
 * What became of one {@code record} call.
 *
 * @param status where the event went
 * @param eventId the event's id (set whatever the status)
 * @param reason null when queued; why the queue refused it when spooled; both failures when failed
 */
public record RecordResult(Status status, String eventId, String reason) {
  public enum Status {
    /** Appended to this process's writer slot; the ingester will put it in meta.db. */
    QUEUED,
    /** The queue could not take it; it is a line in the error spool, for replay. */
    SPOOLED,
    /** Neither the queue nor the spool took it. The event is not stored; the caller knows. */
    FAILED
  }

  /** True when the event is stored somewhere durable (queue or spool). */
  public boolean recorded() {
    return status != Status.FAILED;
  }
}
