package dev.metadb.replay;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A real child JVM running a main class from this test classpath, with the project's JVM flags. */
final class ChildJvm {
  private ChildJvm() {}

  static ProcessBuilder builder(Class<?> mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    String flags = System.getenv("METADB_JVM_FLAGS");
    if (flags != null && !flags.isBlank()) {
      command.addAll(Arrays.asList(flags.trim().split("\\s+")));
    }
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(Arrays.asList(args));
    return new ProcessBuilder(command);
  }
}
