package dev.metadb.writer;

import dev.metadb.event.Envelope;
import dev.metadb.event.Event;
import dev.metadb.event.EventIds;
import dev.metadb.event.EventValidator;
import dev.metadb.event.InvalidEventException;
import dev.metadb.event.SpoolStamp;
import dev.metadb.event.Timestamps;
import dev.metadb.writer.RecordResult.Status;
import java.io.IOException;

/**
 * Records events the way a short-lived process should: one line appended to the inbox ({@link
 * Inbox}), or to the error spool when the inbox cannot take it. This is {@code metadb record}'s
 * path; it loads no Chronicle class (nothing here or below refers to one), so a cold process pays
 * for a JVM, the event model and an append, and nothing else. Long-lived JVM writers keep {@link
 * MetaDb} and its queue.
 *
 * <p>THE RECORD PATH ({@link #record}): validate, stamp (UUIDv7 id, microsecond UTC time, host,
 * pid), append the framed envelope to {@code inbox/SOURCE-YYYY-MM-DD.jsonl} with one write(); on
 * any failure of that append (no directory, a file in its place, disk full, short write), append
 * the same envelope, with the inbox's failure as its reason, to the spool.
 *
 * <p>GUARANTEES. INBOX only when the whole record is in the inbox file; SPOOLED only when the
 * spool line was written; FAILED (with both reasons) when neither took it: nothing is reported
 * recorded that is not. An event that reached both (a short inbox write that later became a
 * complete line, and the spool) has one event_id, so it is one row. An invalid event is the
 * caller's bug and is refused with {@link IllegalArgumentException} naming the table and field.
 */
public final class InboxRecorder {
  private final Inbox inbox;
  private final ErrorSpool spool;

  /** A recorder appending as {@code source} ({@link Inbox#SOURCE_PATTERN}) into {@code home}. */
  public InboxRecorder(Home home, String source) {
    this.inbox = new Inbox(home, source);
    this.spool = new ErrorSpool(home);
  }

  /** Records one event. See the class comment for what each result means. */
  public RecordResult record(Event event) {
    try {
      EventValidator.check(event);
    } catch (InvalidEventException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    Origin origin = Origin.self();
    Envelope envelope = new Envelope(EventIds.next(), Timestamps.now(), origin.host(), origin.pid(), event);
    String inboxFailure;
    try {
      inbox.append(envelope);
      return new RecordResult(Status.INBOX, envelope.eventId(), null);
    } catch (IOException | RuntimeException e) {
      inboxFailure = "inbox append failed: " + ErrorText.oneLine(e);
    }
    try {
      spool.append(envelope, new SpoolStamp(SpoolStamp.WRITER, inboxFailure, Timestamps.now()));
      return new RecordResult(Status.SPOOLED, envelope.eventId(), inboxFailure);
    } catch (IOException | RuntimeException e) {
      return new RecordResult(Status.FAILED, envelope.eventId(), inboxFailure + "; spool: " + ErrorText.oneLine(e));
    }
  }
}
