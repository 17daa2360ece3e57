package dev.metadb.bench;

import dev.metadb.event.Envelope;
import dev.metadb.event.Event;
import dev.metadb.event.EventIds;
import dev.metadb.event.Timestamps;
import dev.metadb.writer.Home;
import dev.metadb.writer.Inbox;
import dev.metadb.writer.Origin;
import java.io.IOException;
import java.nio.file.Path;

/**
 * metadb's inbox: each event one record appended to {@code <home>/inbox/bench-DATE.jsonl} by the
 * writer's {@link Inbox} (one write() on a fresh O_APPEND descriptor, no lock), stamped with a
 * UUIDv7 and the time, as {@code metadb record} stamps it; {@code metadb ingest} tails the file.
 */
final class InboxSink implements EventSink {
  private final Inbox inbox;

  private InboxSink(Inbox inbox) {
    this.inbox = inbox;
  }

  static InboxSink open(Path home) {
    return new InboxSink(new Inbox(new Home(home).prepare(), "bench"));
  }

  @Override
  public WriteOutcome write(Event event) {
    Origin origin = Origin.self();
    try {
      inbox.append(new Envelope(EventIds.next(), Timestamps.now(), origin.host(), origin.pid(), event));
      return WriteOutcome.STORED;
    } catch (IOException | RuntimeException e) {
      return WriteOutcome.failed(e.toString());
    }
  }

  @Override
  public void close() {}
}
