package dev.metadb.bench;

import dev.metadb.command.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import picocli.CommandLine;

/**
 * Which metadb stages this build has, found once at start. The harness runs every benchmark it
 * can and marks the rest "not run" with the reason, so it works at every stage of the project.
 *
 * @param subcommands the {@code metadb} subcommands this build has ({@code record}, {@code ingest}, ...)
 * @param replayBench whether the replay stage's {@code ReplayBench} main is in this module
 * @param queryBench whether the query stage's {@code QueryBench} main is in this module
 * @param launcher {@code bin/metadb}, when it exists
 */
record Capabilities(
    Set<String> subcommands, boolean replayBench, boolean queryBench, Path launcher) {

  static Capabilities detect(Path repoRoot) {
    Path launcher = repoRoot.resolve("bin/metadb");
    return new Capabilities(
        Set.copyOf(new CommandLine(new Main()).getSubcommands().keySet()),
        present(ReplayThroughputBench.MAIN),
        present(QueryScaleBench.MAIN),
        Files.isExecutable(launcher) ? launcher : null);
  }

  boolean has(String subcommand) {
    return subcommands.contains(subcommand);
  }

  /** Why the metadb topology cannot run end to end, or null when it can. */
  String metadbTopologyMissing() {
    if (!has("ingest")) {
      return "`metadb ingest` is not in this build";
    }
    return null;
  }

  String describe() {
    return "subcommands: " + String.join(" ", subcommands.stream().sorted().toList())
        + "; ReplayBench: " + (replayBench ? "yes" : "no")
        + "; QueryBench: " + (queryBench ? "yes" : "no")
        + "; bin/metadb: " + (launcher != null ? "yes" : "no");
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, Capabilities.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
