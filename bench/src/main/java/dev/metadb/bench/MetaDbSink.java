package dev.metadb.bench;

import dev.metadb.event.Event;
import dev.metadb.writer.MetaDb;
import java.nio.file.Path;

/**
 * The metadb topology's writer: the writer library itself, {@code MetaDb.record}, exactly as an
 * application calls it (one shared instance per process, thread-safe); its answer read by {@link
 * WriteOutcome#of}.
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
    return WriteOutcome.of(db.record(event));
  }

  @Override
  public void close() {
    db.close();
  }
}
