package dev.metadb.command;

import dev.metadb.writer.KnownFailure;

/**
 * What a subcommand throws when it stops: {@link #input} for bad usage or input (exit 2), {@link
 * #failure} for a runtime failure (exit 1). It carries the one line to print and, optionally, a
 * hint; {@link Failures} prints both as {@code metadb <cmd>: message} and {@code   hint: ...}. A
 * stage's own exceptions ({@link KnownFailure}) need no wrapping: throw them as they are.
 */
final class CommandException extends RuntimeException implements KnownFailure {
  private final Kind kind;
  private final String hint;

  private CommandException(Kind kind, String message, String hint, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.hint = hint;
  }

  /** Bad usage or input (exit 2). */
  static CommandException input(String message) {
    return new CommandException(Kind.INPUT, message, null, null);
  }

  /** Bad usage or input (exit 2), with what to try instead. */
  static CommandException input(String message, String hint) {
    return new CommandException(Kind.INPUT, message, hint, null);
  }

  /** A runtime failure (exit 1); {@code cause} may be null. */
  static CommandException failure(String message, Throwable cause) {
    return new CommandException(Kind.RUNTIME, message, null, cause);
  }

  /** A runtime failure (exit 1) with what to try. */
  static CommandException failure(String message, String hint, Throwable cause) {
    return new CommandException(Kind.RUNTIME, message, hint, cause);
  }

  @Override
  public Kind failureKind() {
    return kind;
  }

  @Override
  public String hint() {
    return hint;
  }
}
