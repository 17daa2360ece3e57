package dev.metadb.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metadb record}'s entry point on exactly the hand-kept {@code lib-record/} classpath the
 * build packages (the writer, jackson, picocli: no Chronicle, SQLite, Arrow, DuckDB or JNA jars),
 * started the way the README tells Java users to pass the flags ({@code java @jvm.flags}): it
 * appends to the inbox, and its failures are one line through the same handler as {@code Main}'s,
 * not a stack trace.
 */
class RecordMainClasspathTest {
  private static final Path DIST = Path.of(System.getProperty("metadb.checkout"), "command/target/metadb");
  private static final Pattern EVENT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");

  @TempDir Path tmp;

  private Proc.Result record(Map<String, String> extraEnv, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin/java").toString(),
        "@" + DIST.resolve("jvm.flags"), "-cp", DIST.resolve("lib-record") + "/*", "dev.metadb.command.RecordMain"));
    command.addAll(List.of(args));
    Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/bin:/bin", "HOME", tmp.toString()));
    env.putAll(extraEnv);
    return Proc.run(command, env, tmp, tmp.resolve("logs"));
  }

  @Test
  void recordsOnTheSlimClasspath() throws Exception {
    try (Stream<Path> jars = Files.list(DIST.resolve("lib-record"))) {
      assertTrue(jars.noneMatch(p -> p.getFileName().toString().matches("(sqlite-jdbc|duckdb|arrow|jna|chronicle|jnr|affinity).*")),
          "lib-record/ stays slim");
    }
    Path home = tmp.resolve("home");
    Proc.Result r = record(Map.of(), "ticks", "--home", home.toString(), "--field", "source=lib-record");
    assertEquals(0, r.exit(), r.err());
    assertTrue(EVENT_ID.matcher(r.out().strip()).matches(), r.out());
    assertTrue(Files.readString(home.resolve("inbox/cli-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl")).contains(r.out().strip()),
        "appended to the inbox");
    assertTrue(Files.notExists(home.resolve("queue")), "no writer slot");
    assertTrue(Files.notExists(home.resolve("logs")) || isEmpty(home.resolve("logs")), "nothing spooled: " + r.err());
  }

  @Test
  void failuresAreOneLineWithTheirExitCode() throws Exception {
    Path home = tmp.resolve("home");
    Path notADirectory = Files.writeString(tmp.resolve("file"), "a file");
    Proc.Result badHome = record(Map.of(), "ticks", "--home", notADirectory.toString(), "--field", "source=x");
    assertEquals(2, badHome.exit(), badHome.err());
    assertEquals(1, badHome.err().strip().lines().filter(l -> !l.startsWith("  hint: ")).count(), badHome.err());
    assertTrue(badHome.err().startsWith("metadb record: ") && badHome.err().contains(notADirectory.toString()), badHome.err());

    Proc.Result badJson = record(Map.of(), "ticks", "--home", home.toString(), "--json", "{");
    assertEquals(2, badJson.exit(), badJson.err());
    assertEquals(1, badJson.err().strip().lines().count(), badJson.err());
    assertTrue(badJson.err().startsWith("metadb record: ticks --json: line 1, column 2: "), badJson.err());

    Proc.Result badOption = record(Map.of(), "ticks", "--nope");
    assertEquals(2, badOption.exit(), badOption.err());
    assertTrue(badOption.err().startsWith("metadb record: Unknown option: '--nope'"), badOption.err());
  }

  private static boolean isEmpty(Path dir) throws Exception {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }
}
