package dev.metadb.query;

import dev.metadb.writer.KnownFailure;

/**
 * Why a query or an export did not run. The {@link Kind} decides the exit code (the command
 * module maps it); the message is one sentence for a person, naming what was wrong.
 */
public final class QueryException extends Exception implements KnownFailure {
  /** What kind of failure this is. */
  public enum Kind {
    /** The SQL, a table name, an option or a refused statement: the user can fix the input (exit 2). */
    BAD_INPUT,
    /** meta.db was written by a newer metadb (exit 3). */
    SCHEMA_NEWER,
    /** Storage, database or I/O failed (exit 1). */
    FAILURE
  }

  private final Kind kind;

  public QueryException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public QueryException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  @Override
  public KnownFailure.Kind failureKind() {
    return switch (kind) {
      case BAD_INPUT -> KnownFailure.Kind.INPUT;
      case SCHEMA_NEWER -> KnownFailure.Kind.SCHEMA_NEWER;
      case FAILURE -> KnownFailure.Kind.RUNTIME;
    };
  }

  static QueryException badInput(String message) {
    return new QueryException(Kind.BAD_INPUT, message);
  }

  static QueryException failure(String message, Throwable cause) {
    return new QueryException(Kind.FAILURE, message, cause);
  }
}
