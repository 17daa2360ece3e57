package dev.metadb.writer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Starts a real child JVM running a main class from the test classpath, with the same JVM flags
 * the build gives every queue-opening JVM (Surefire exports them as METADB_JVM_FLAGS). Shared with
 * other modules' tests through the writer's test-jar.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** A process builder for {@code mainClass args...}; stderr goes to {@code stderrFile} if given. */
  public static ProcessBuilder builder(Class<?> mainClass, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    String flags = System.getenv("METADB_JVM_FLAGS");
    if (flags == null || flags.isBlank()) {
      throw new IllegalStateException("METADB_JVM_FLAGS is not set: run tests through Maven (Surefire sets it)");
    }
    command.addAll(Arrays.asList(flags.trim().split("\\s+")));
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    return pb;
  }

  /** Starts the child with stdout piped back and stderr into {@code stderr}. */
  public static Process start(Class<?> mainClass, Map<String, String> env, Path stderr, String... args) throws IOException {
    ProcessBuilder pb = builder(mainClass, env, args);
    pb.redirectError(stderr == null ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.appendTo(stderr.toFile()));
    return pb.start();
  }
}
