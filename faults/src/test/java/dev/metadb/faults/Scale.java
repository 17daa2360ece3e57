package dev.metadb.faults;

/**
 * How much each test does. The default is CI-sized (the whole suite in a few minutes on two
 * cores); {@code -Dfaults.full=true} is the full run behind docs/reliability.md. Every figure can
 * also be set alone: {@code -Dfaults.<name>=N}.
 */
final class Scale {
  static final boolean FULL = Boolean.getBoolean("faults.full");

  private Scale() {}

  /** {@code -Dfaults.<name>}, else {@code ci} or {@code full} by the run's size. */
  static int of(String name, int ci, int full) {
    String given = System.getProperty("faults." + name);
    return given != null ? Integer.parseInt(given.trim()) : FULL ? full : ci;
  }
}
