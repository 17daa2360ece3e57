package dev.metadb.writer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one way metadb starts another JVM that may open a queue (the demo's writers, the
 * benchmarks' writers and probes, the tests' children): the same {@code java} as this process,
 * metadb's JVM flags as the build defines them ({@link JvmFlags#commandLine}: Chronicle's
 * exports and opens, analytics off), then the caller's options, this process's classpath, the
 * main class and its arguments. A child started otherwise would spool every event
 * ({@link MissingJvmFlagsException}) or phone home.
 */
public final class JavaCommand {
  private JavaCommand() {}

  /** The {@code java} executable running this process. */
  public static String java() {
    return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** metadb's JVM flags, one word each. */
  public static List<String> flags() {
    return Arrays.asList(JvmFlags.commandLine().trim().split("\\s+"));
  }

  /** {@code java FLAGS OPTIONS -cp CLASSPATH mainClass ARGS}. */
  public static List<String> of(String mainClass, List<String> options, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(flags());
    command.addAll(options);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    return command;
  }
}
