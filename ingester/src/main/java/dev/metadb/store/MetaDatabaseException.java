package dev.metadb.store;

import dev.metadb.writer.KnownFailure;
import java.nio.file.Path;

/**
 * meta.db cannot be used by this build, for a reason retrying will not fix: it is not a SQLite
 * database, or its schema is newer than this metadb. Commands map each subclass to one exit code
 * (not a database: 1, schema newer: 3); nothing has been written when one is thrown.
 */
public abstract sealed class MetaDatabaseException extends Exception implements KnownFailure
    permits NotADatabaseException, SchemaNewerException {
  private final Path file;

  MetaDatabaseException(Path file, String message, Throwable cause) {
    super(message, cause);
    this.file = file;
  }

  /** The database file concerned. */
  public Path file() {
    return file;
  }
}
