package dev.metadb.writer;

import java.util.List;

/**
 * {@link MetaDb#open} in a JVM started without the flags Chronicle Queue needs. The message
 * lists the missing flags, the whole set to pass, and the three usual ways to pass it.
 */
public final class MissingJvmFlagsException extends IllegalStateException implements KnownFailure {
  private final List<String> missing;

  MissingJvmFlagsException(List<String> missing, String flags) {
    super("this JVM was started without the flags Chronicle Queue needs on Java 17 (missing: "
        + String.join(" ", missing) + "); metadb records nothing without them. Start it with:\n"
        + "  " + flags + "\n"
        + "in one of these ways:\n"
        + "  java @jvm.flags ...            (the file is command/target/metadb/jvm.flags after a build, jvm.flags in the tarball)\n"
        + "  Maven Surefire:                <argLine>" + flags + "</argLine>\n"
        + "  JDK_JAVA_OPTIONS=\"" + flags + "\" java ...");
    this.missing = List.copyOf(missing);
  }

  /** The flags this JVM lacks. */
  public List<String> missing() {
    return missing;
  }

  @Override
  public Kind failureKind() {
    return Kind.RUNTIME;
  }
}
