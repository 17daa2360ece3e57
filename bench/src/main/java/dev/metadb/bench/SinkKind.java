package dev.metadb.bench;

import java.nio.file.Path;

/**
 * The ways a benchmark writer can store an event: metadb's topology, the seed's (the baseline),
 * and the file-append floor. A writer JVM is told which by name ({@link #cliName}).
 */
enum SinkKind {
  METADB("metadb", "metadb",
      "writers append through the writer library `MetaDb` (one Chronicle queue per writer slot); "
          + "`metadb ingest` drains the queues into meta.db"),
  INBOX("inbox", "metadb InboxRecorder",
      "writers record through the writer library's `InboxRecorder`, the path for short-lived processes "
          + "(validate, stamp, one O_APPEND write of the record into `inbox/bench-DATE.jsonl`, no lock, the spool "
          + "if that fails; no Chronicle class loads); `metadb ingest` tails the inbox"),
  DIRECT_SQLITE("sqlite", "direct SQLite (baseline)",
      "the seed's topology: each writer opens meta.db (WAL, synchronous=NORMAL, busy_timeout 10 s) "
          + "and inserts each event in its own transaction"),
  FILE_APPEND("file", "file append (floor)",
      "the same envelope JSON appended as one line to a file through an O_APPEND channel");

  final String cliName;
  final String label;
  final String description;

  SinkKind(String cliName, String label, String description) {
    this.cliName = cliName;
    this.label = label;
    this.description = description;
  }

  /** Opens this kind's sink on {@code home}. */
  EventSink open(Path home) throws Exception {
    return switch (this) {
      case METADB -> MetaDbSink.open(home);
      case INBOX -> InboxSink.open(home);
      case DIRECT_SQLITE -> DirectSqliteSink.open(home);
      case FILE_APPEND -> FileAppendSink.open(home);
    };
  }

  static SinkKind byCliName(String name) {
    for (SinkKind kind : values()) {
      if (kind.cliName.equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown sink '" + name + "' (sinks: metadb, inbox, sqlite, file)");
  }
}
