package dev.metadb.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM without Chronicle's flags is refused by {@link MetaDb#open} at once, with the flags and
 * the ways to pass them, instead of spooling every event as if storage had failed; each of the
 * ways the message names works (the flags on the command line, an @argfile, JDK_JAVA_OPTIONS).
 */
class JvmFlagsTest {
  private static final String FLAGS = System.getenv("METADB_JVM_FLAGS").trim();

  @TempDir Path tmp;

  private record Outcome(int exit, String output) {}

  private Outcome writer(List<String> jvmArgs, Map<String, String> env) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), WriterChild.class.getName(), tmp.resolve("home").toString(), "3"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.environment().putAll(env);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Outcome(p.waitFor(), output);
  }

  @Test
  void withoutTheFlagsOpenThrowsWithTheFlagsAndTheWaysToPassThem() throws Exception {
    Outcome o = writer(List.of(), Map.of());
    assertTrue(o.exit != 0, o.output);
    assertTrue(o.output.contains("MissingJvmFlagsException: this JVM was started without the flags Chronicle Queue needs"), o.output);
    assertTrue(o.output.contains("missing: --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED"), o.output);
    assertTrue(o.output.contains("\n  " + FLAGS + "\n"), "the whole set, on one line to copy:\n" + o.output);
    assertTrue(o.output.contains("java @jvm.flags"), o.output);
    assertTrue(o.output.contains("<argLine>" + FLAGS + "</argLine>"), o.output);
    assertTrue(o.output.contains("JDK_JAVA_OPTIONS=\"" + FLAGS + "\""), o.output);
    assertFalse(o.output.contains("QUEUED") || o.output.contains("SPOOLED"), o.output);
    assertFalse(Files.exists(tmp.resolve("home/logs")), "nothing spooled");
  }

  @Test
  void oneFlagShortIsRefusedToo() throws Exception {
    List<String> allButOne = new ArrayList<>(List.of(FLAGS.split("\\s+")));
    assertTrue(allButOne.remove("--add-opens=java.base/java.nio=ALL-UNNAMED"));
    Outcome o = writer(allButOne, Map.of());
    assertTrue(o.exit != 0, o.output);
    assertTrue(o.output.contains("(missing: --add-opens=java.base/java.nio=ALL-UNNAMED)"), o.output);
  }

  @Test
  void withTheFlagsOnTheCommandLineEventsAreQueued() throws Exception {
    Outcome o = writer(List.of(FLAGS.split("\\s+")), Map.of());
    assertEquals(0, o.exit, o.output);
    assertEquals(3, o.output.lines().filter(l -> l.startsWith("QUEUED ")).count(), o.output);
  }

  @Test
  void theArgFileAndJdkJavaOptionsWaysWork() throws Exception {
    Path argFile = Files.writeString(tmp.resolve("jvm.flags"), FLAGS + "\n");
    Outcome viaFile = writer(List.of("@" + argFile), Map.of());
    assertEquals(0, viaFile.exit, viaFile.output);
    assertEquals(3, viaFile.output.lines().filter(l -> l.startsWith("QUEUED ")).count(), viaFile.output);

    Outcome viaEnv = writer(List.of(), Map.of("JDK_JAVA_OPTIONS", FLAGS));
    assertEquals(0, viaEnv.exit, viaEnv.output);
    assertEquals(3, viaEnv.output.lines().filter(l -> l.startsWith("QUEUED ")).count(), viaEnv.output);
  }

  @Test
  void theReadmeGivesTheFlagsAsOneBlock() throws Exception {
    String readme = Files.readString(Path.of(System.getProperty("user.dir")).getParent().resolve("README.md"));
    assertTrue(readme.contains("```\n" + JvmFlags.commandLine() + "\n```"), "README.md has the flags, exactly, as one block");
    assertEquals(FLAGS, JvmFlags.commandLine());
    assertTrue(JvmFlags.missing().isEmpty(), "Surefire's JVM has them: " + JvmFlags.missing());
  }
}
