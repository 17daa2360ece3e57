package dev.metadb.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chronicle phones home unless told not to: it writes {@code ~/.chronicle.analytics.client.id} and
 * posts to an analytics endpoint. A writer must do neither, even when the JVM was started without
 * the flags (an embedding program's plain {@code java -jar}).
 */
class PhoneHomeTest {
  @TempDir Path tmp;

  @Test
  void noAnalyticsWithTheBuildsFlags() throws Exception {
    assertNoPhoneHome(true);
  }

  @Test
  void noAnalyticsEvenWithoutTheDashDFlags() throws Exception {
    assertNoPhoneHome(false);
  }

  private void assertNoPhoneHome(boolean withDisableFlags) throws Exception {
    Path userHome = Files.createDirectories(tmp.resolve("user-home"));
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    for (String flag : System.getenv("METADB_JVM_FLAGS").trim().split("\\s+")) {
      if (withDisableFlags || !flag.startsWith("-Dchronicle.")) {
        command.add(flag);
      }
    }
    assertEquals(withDisableFlags, command.contains("-Dchronicle.analytics.disable=true"));
    command.addAll(List.of("-Duser.home=" + userHome, "-cp", System.getProperty("java.class.path"),
        WriterChild.class.getName(), tmp.resolve("metadb").toString(), "5"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), output);
    assertEquals(5, output.lines().filter(l -> l.startsWith("QUEUED ")).count(), output);
    try (Stream<Path> files = Files.walk(userHome)) {
      List<Path> written = files.filter(Files::isRegularFile).toList();
      assertTrue(written.isEmpty(), "files written under user.home: " + written);
    }
    String lower = output.toLowerCase();
    assertFalse(lower.contains("analytics"), output);
    assertFalse(lower.contains("google"), output);
  }
}
