package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metadb demo} run as a person would: in a real terminal (a tmux pane), reading the screen.
 * The pane runs the same JVM with the build's flags; the test waits for the demo to finish and
 * checks what the screen shows: the progress line, the query results, where the files are, and
 * the exit status. The progress line owns its line: log lines print above it, never into it, and
 * nothing of a longer earlier reading is left behind.
 */
class DemoTerminalTest {
  @TempDir Path tmp;

  @Test
  void demoInATerminalShowsProgressResultsAndExitsZero() throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/tmux"))) {
      System.err.println("SKIPPED demo terminal test: tmux is not installed");
      Assumptions.abort("tmux is not installed");
    }
    String session = "metadb-demo-" + ProcessHandle.current().pid();
    Path home = tmp.resolve("home");
    Path script = tmp.resolve("run.sh");
    String java = ProcessHandle.current().info().command().orElseThrow();
    Files.writeString(script, String.join("\n",
        "#!/bin/bash",
        "'" + java + "' " + System.getenv("METADB_JVM_FLAGS") + " -cp '" + System.getProperty("java.class.path") + "' "
            + Main.class.getName() + " demo --home '" + home + "' --writers 2 --seconds 2 --rate 200",
        "echo \"DEMO-EXIT=$?\"",
        "sleep 600",
        ""));
    script.toFile().setExecutable(true);
    tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "200", script.toString());
    try {
      String screen = "";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
      while (System.nanoTime() < deadline && !screen.contains("DEMO-EXIT=")) {
        TimeUnit.MILLISECONDS.sleep(500);
        screen = tmux("capture-pane", "-p", "-S", "-200", "-t", session);
      }
      assertTrue(screen.contains("DEMO-EXIT=0"), screen);
      assertProgressLinesAreWhole(screen);
      assertTrue(screen.contains("== Messages per source =="), screen);
      assertTrue(screen.contains("== Slowest CLI invocations =="), screen);
      assertTrue(screen.contains("== Token cost per model =="), screen);
      assertTrue(screen.matches("(?s).*claude-\\w+ +\\| +\\d+.*"), screen);
      assertTrue(screen.contains("database  " + home.resolve("meta.db")), screen);
      assertTrue(screen.contains("recorded events are in meta.db exactly once"), screen);
    } finally {
      tmux("kill-session", "-t", session);
    }
  }

  /** A whole progress reading: grouped numbers (a leftover digit breaks the grouping). */
  private static final Pattern PROGRESS = Pattern.compile(
      " *recorded (\\d{1,3}(?:,\\d{3})*) +ingested (\\d{1,3}(?:,\\d{3})*) +lag (\\d{1,3}(?:,\\d{3})*) *");

  /**
   * Every screen line that shows any part of the progress is one whole reading whose lag is
   * recorded minus ingested (so neither a log line glued to it, as {@code lag 1,393metadb ingest:
   * slot-01: ...}, nor leftovers of a longer line, as {@code lag 09999}, pass), and the last one
   * shows everything ingested.
   */
  static void assertProgressLinesAreWhole(String screen) {
    Matcher last = null;
    for (String line : screen.lines().toList()) {
      if (!line.contains("recorded ") && !line.contains("ingested ") && !line.contains(" lag ")) {
        continue;
      }
      if (line.startsWith("metadb ")) {
        continue; // a log line of its own, as the summary "metadb demo: all N recorded events are in meta.db"
      }
      Matcher m = PROGRESS.matcher(line);
      assertTrue(m.matches(), "a progress line not whole: '" + line + "'\n" + screen);
      long recorded = number(m.group(1));
      long ingested = number(m.group(2));
      assertEquals(Math.max(0, recorded - ingested), number(m.group(3)), "lag is not recorded - ingested: '" + line + "'");
      last = m;
    }
    assertTrue(last != null, "no progress line:\n" + screen);
    assertTrue(number(last.group(1)) > 0 && number(last.group(3)) == 0, "the last progress line: " + last.group() + "\n" + screen);
  }

  private static long number(String grouped) {
    return Long.parseLong(grouped.replace(",", ""));
  }

  private static String tmux(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("tmux"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "tmux " + String.join(" ", args) + ": " + out);
    return out;
  }
}
