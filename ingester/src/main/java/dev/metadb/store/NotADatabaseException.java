package dev.metadb.store;

import java.nio.file.Path;

/**
 * The file at the meta.db path exists but is not a SQLite database (SQLITE_NOTADB). metadb
 * neither overwrites nor repairs it: the person who put it there decides. Exit code 1.
 */
public final class NotADatabaseException extends MetaDatabaseException {
  public NotADatabaseException(Path file, Throwable cause) {
    super(
        file,
        file + " is not a SQLite database; nothing was written to it (move it aside to let metadb create a new one)",
        cause);
  }

  @Override
  public Kind failureKind() {
    return Kind.RUNTIME;
  }

  @Override
  public String hint() {
    return "the file is not SQLite: move it aside (metadb never overwrites it) and run again, or point --home elsewhere";
  }
}
