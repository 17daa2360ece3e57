package dev.metadb.writer;

import java.nio.file.Path;

/**
 * The home named by {@code --home}, {@code $METADB_HOME} or the default cannot be used: it is not
 * a directory, cannot be created, belongs to another user, is writable by other users, or holds a
 * symbolic link where metadb keeps a file. Bad usage (exit 2), never a storage failure to spool
 * around: the message is one line naming the path, what is wrong and how to fix it.
 */
public final class UnusableHomeException extends IllegalArgumentException implements KnownFailure {
  private final Path path;

  UnusableHomeException(Path path, String problem) {
    super("home " + path + ": " + problem);
    this.path = path;
  }

  @Override
  public Kind failureKind() {
    return Kind.INPUT;
  }

  /** The path that is wrong: the home, or the entry inside it. */
  public Path path() {
    return path;
  }
}
