package dev.metadb.bench;

import dev.metadb.event.Event;
import dev.metadb.writer.Home;
import dev.metadb.writer.InboxRecorder;
import java.nio.file.Path;

/**
 * metadb's path for a short-lived process: the writer library's {@link InboxRecorder}, called
 * exactly as an application calls it (validate, stamp, one O_APPEND write into {@code
 * <home>/inbox/bench-DATE.jsonl}, the spool when that fails); its answer read by {@link
 * WriteOutcome#of}. It loads no Chronicle class, so its JVM needs none of Chronicle's flags;
 * {@code metadb ingest} tails the file.
 */
final class InboxSink implements EventSink {
  private final InboxRecorder recorder;

  private InboxSink(InboxRecorder recorder) {
    this.recorder = recorder;
  }

  static InboxSink open(Path home) {
    return new InboxSink(new InboxRecorder(new Home(home).prepare(), "bench"));
  }

  @Override
  public WriteOutcome write(Event event) {
    return WriteOutcome.of(recorder.record(event));
  }

  @Override
  public void close() {}
}
