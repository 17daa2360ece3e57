package dev.metadb.store;

import java.nio.file.Path;

/**
 * meta.db carries a schema version above {@link Schema#VERSION}: a newer metadb wrote it, and
 * this build must not guess at tables it does not know. Exit code 3.
 */
public final class SchemaNewerException extends MetaDatabaseException {
  private final int found;

  public SchemaNewerException(Path file, int found) {
    super(file, "meta.db schema v" + found + " is newer than this metadb (v" + Schema.VERSION + ")", null);
    this.found = found;
  }

  @Override
  public Kind failureKind() {
    return Kind.SCHEMA_NEWER;
  }

  @Override
  public String hint() {
    return "a newer metadb has upgraded this meta.db; use that metadb (or a newer build of this one) with this home";
  }

  /** The version found in the file. */
  public int found() {
    return found;
  }

  /** The newest version this build understands. */
  public int supported() {
    return Schema.VERSION;
  }
}
