package dev.metadb.command;

/**
 * What to do next. The hints of failures travel with the failures themselves ({@link
 * dev.metadb.writer.KnownFailure#hint}); this writes suggested commands the way the user invoked
 * metadb. It is on {@code metadb record}'s slim classpath ({@link Failures} uses it), so it refers
 * to nothing outside the writer module.
 */
final class Hints {
  private Hints() {}

  /**
   * How the user invoked metadb, so a suggested command pastes as it is: {@code bin/metadb} from
   * a checkout, {@code metadb} from PATH (the launcher exports it as {@code METADB_INVOKED_AS}).
   */
  static String invokedAs() {
    String name = System.getenv("METADB_INVOKED_AS");
    return name == null || name.isBlank() ? "metadb" : name;
  }

  /** {@code text} with each {@code `metadb ...`} command written the way the user invoked it. */
  static String pasteable(String text) {
    return text.replace("`metadb ", "`" + invokedAs() + " ");
  }
}
