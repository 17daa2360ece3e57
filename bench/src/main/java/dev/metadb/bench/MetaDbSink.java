package dev.metadb.bench;

import dev.metadb.event.Event;
import dev.metadb.writer.MetaDb;
import dev.metadb.writer.RecordResult;
import java.nio.file.Path;

/**
 * The metadb topology's writer: the writer library itself, {@code MetaDb.record}, exactly as an
 * application calls it (one shared instance per process, thread-safe). QUEUED is stored, SPOOLED
 * is spooled; FAILED is a lock error when the reason is a lock wait, else a failure.
 */
final class MetaDbSink implements EventSink {
  private final MetaDb db;

  private MetaDbSink(MetaDb db) {
    this.db = db;
  }

  static MetaDbSink open(Path home) {
    return new MetaDbSink(MetaDb.open(home));
  }

  @Override
  public WriteOutcome write(Event event) {
    RecordResult result = db.record(event);
    return switch (result.status()) {
      case QUEUED, INBOX -> WriteOutcome.STORED;
      case SPOOLED -> new WriteOutcome(WriteOutcome.Kind.SPOOLED, "spooled: " + result.reason());
      case FAILED -> result.reason() != null && result.reason().contains("lock")
          ? WriteOutcome.lockError(result.reason())
          : WriteOutcome.failed(result.reason());
    };
  }

  @Override
  public void close() {
    db.close();
  }
}
