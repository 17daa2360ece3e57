package dev.metadb.bench;

import dev.metadb.event.Event;

/**
 * Where a benchmark writer sends its events: one implementation per topology ({@link SinkKind}).
 * A write never throws for a storage failure; it reports it as a {@link WriteOutcome}, so every
 * attempt is counted. One sink per process, used by one thread unless the implementation says
 * otherwise.
 */
interface EventSink extends AutoCloseable {
  WriteOutcome write(Event event);

  @Override
  void close() throws Exception;
}
