package dev.metadb.ingester;

/** The ingester cannot start for a reason a retry will not fix. Exit code 1. */
public abstract sealed class IngestException extends Exception
    permits AnotherIngesterException, CheckpointMissingException {
  IngestException(String message) {
    super(message);
  }
}
