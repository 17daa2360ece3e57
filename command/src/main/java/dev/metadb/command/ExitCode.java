package dev.metadb.command;

/** metadb's exit codes, named once (DESIGN.md). */
public final class ExitCode {
  public static final int OK = 0;
  /** A runtime failure: storage, database, I/O. */
  public static final int FAILURE = 1;
  /** Bad usage or bad input. */
  public static final int USAGE = 2;
  /** meta.db's schema is newer than this build. */
  public static final int SCHEMA_NEWER = 3;

  private ExitCode() {}
}
