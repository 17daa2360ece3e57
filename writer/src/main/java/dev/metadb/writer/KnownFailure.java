package dev.metadb.writer;

/**
 * A failure metadb expected and can explain: the {@code metadb} command reports it as one line
 * (the exception's message) plus, when there is one, a hint of what to try, and exits with the
 * code of its {@link Kind}. Exceptions of every stage implement it, so the command maps failures
 * to exit codes in one place without knowing each stage's types (and {@code metadb record}, which
 * runs without the other stages on its classpath, needs none of them to report one).
 *
 * <p>A hint that names a command writes it as {@code `metadb SUBCOMMAND ...`}: the command
 * rewrites that to the name the user invoked ({@code bin/metadb}, a full path), so it pastes.
 */
public interface KnownFailure {
  /** What kind of failure, which decides the exit code. */
  enum Kind {
    /** Storage, database, I/O, another process in the way: exit 1. */
    RUNTIME,
    /** Bad usage or bad input, which the user can fix: exit 2. */
    INPUT,
    /** meta.db was written by a newer metadb: exit 3. */
    SCHEMA_NEWER
  }

  Kind failureKind();

  /** What to try next, one sentence; null when the message says all there is. */
  default String hint() {
    return null;
  }
}
