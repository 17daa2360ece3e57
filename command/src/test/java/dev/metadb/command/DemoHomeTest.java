package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The demo's temporary home is removed at the end unless --keep is given, as its help says; its
 * stderr, not a terminal here, has each progress reading once, whole, without control characters.
 */
class DemoHomeTest {
  private static final Pattern HOME = Pattern.compile("metadb demo: home (\\S+)");

  private static Path home(CommandRun r) {
    Matcher m = HOME.matcher(r.err());
    assertTrue(m.find(), r.err());
    return Path.of(m.group(1));
  }

  private static void assertProgressPrintedOnceEach(String err) {
    assertFalse(err.contains("\r") || err.contains("\033"), "control characters in a log:\n" + err);
    DemoTerminalTest.assertProgressLinesAreWhole(err);
    List<String> progress = err.lines().filter(l -> l.startsWith("  recorded ")).toList();
    assertEquals(new HashSet<>(progress).size(), progress.size(), "a progress reading repeated:\n" + err);
  }

  @Test
  void temporaryHomeIsRemovedUnlessKept() throws Exception {
    CommandRun removed = CommandRun.of("demo", "--writers", "1", "--seconds", "1", "--rate", "50");
    assertEquals(0, removed.exit(), removed.err());
    assertFalse(Files.exists(home(removed)), "removed: " + home(removed));
    assertTrue(removed.out().contains("demo --keep keeps it"), removed.out());
    assertProgressPrintedOnceEach(removed.err());

    CommandRun kept = CommandRun.of("demo", "--keep", "--writers", "1", "--seconds", "1", "--rate", "50");
    assertEquals(0, kept.exit(), kept.err());
    Path home = home(kept);
    assertTrue(Files.isRegularFile(home.resolve("meta.db")), "kept: " + home);
    assertTrue(kept.out().contains("query --home " + home), kept.out());
    try (java.util.stream.Stream<Path> paths = Files.walk(home)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    CommandRun help = CommandRun.of("demo", "--help");
    assertTrue(help.out().replaceAll("\\s+", " ").contains("removed at the end unless --keep"), help.out());
  }
}
