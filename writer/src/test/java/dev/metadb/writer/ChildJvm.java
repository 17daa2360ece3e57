package dev.metadb.writer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Starts a real child JVM running a main class from the test classpath ({@link JavaCommand}: the
 * JVM flags the build gives every queue-opening JVM). Shared with other modules' tests through the
 * writer's test-jar.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** A process builder for {@code mainClass args...}; stderr goes to {@code stderrFile} if given. */
  public static ProcessBuilder builder(Class<?> mainClass, Map<String, String> env, String... args) {
    List<String> options = List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-XX:TieredStopAtLevel=1",
        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    ProcessBuilder pb = new ProcessBuilder(JavaCommand.of(mainClass.getName(), options, Arrays.asList(args)));
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
