package dev.metadb.ingester;

import dev.metadb.writer.KnownFailure;

/** The ingester cannot start for a reason a retry will not fix. Exit code 1. */
public abstract sealed class IngestException extends Exception implements KnownFailure
    permits AnotherIngesterException, CheckpointMissingException {
  IngestException(String message) {
    super(message);
  }

  @Override
  public Kind failureKind() {
    return Kind.RUNTIME;
  }
}
