package dev.metadb.command;

import dev.metadb.writer.KnownFailure;
import picocli.CommandLine;

/**
 * metadb's exit codes, named once (DESIGN.md), and the one mapping from a failure to its code.
 * {@code System.exit} happens only in the mains.
 */
public final class ExitCode {
  public static final int OK = 0;
  /** A runtime failure: storage, database, I/O. */
  public static final int FAILURE = 1;
  /** Bad usage or bad input. */
  public static final int USAGE = 2;
  /** meta.db's schema is newer than this build. */
  public static final int SCHEMA_NEWER = 3;

  private ExitCode() {}

  /**
   * The exit code of a failure: the kind of the first {@link KnownFailure} in its cause chain (a
   * stage may wrap another's, as query wraps a newer schema); else 2 for what picocli or an
   * argument check refused ({@link IllegalArgumentException}, which includes an unusable home);
   * else 1.
   */
  static int of(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof KnownFailure known) {
        return of(known.failureKind());
      }
    }
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CommandLine.ParameterException || t instanceof IllegalArgumentException) {
        return USAGE;
      }
    }
    return FAILURE;
  }

  static int of(KnownFailure.Kind kind) {
    return switch (kind) {
      case RUNTIME -> FAILURE;
      case INPUT -> USAGE;
      case SCHEMA_NEWER -> SCHEMA_NEWER;
    };
  }
}
