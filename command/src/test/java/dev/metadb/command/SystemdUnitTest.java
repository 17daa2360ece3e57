package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped systemd user unit is well formed and runs the real launcher with the right policy. */
class SystemdUnitTest {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
  private static final Path UNIT = REPO.resolve("packaging/systemd/metadb-ingest.service");

  @TempDir Path tmp;

  @Test
  void unitHasTheSectionsAndPolicyOperationsDocumentsWithTheLauncher() throws Exception {
    Map<String, Map<String, String>> unit = parse(Files.readAllLines(UNIT));
    assertEquals(List.of("Unit", "Service", "Install"), List.copyOf(unit.keySet()));
    Map<String, String> service = unit.get("Service");
    assertEquals("%h/metadb/bin/metadb ingest", service.get("ExecStart"));
    assertEquals("SIGTERM", service.get("KillSignal"));
    assertEquals("on-failure", service.get("Restart"));
    assertEquals("2 3", service.get("RestartPreventExitStatus"), "usage and newer-schema exits are not retried");
    assertEquals("default.target", unit.get("Install").get("WantedBy"));
    assertTrue(Files.isExecutable(REPO.resolve("bin/metadb")));
  }

  @Test
  void systemdAnalyzeVerifyAcceptsIt() throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    if (!Files.isExecutable(analyze)) {
      System.err.println("SKIPPED systemd-analyze verify: systemd-analyze is not installed here");
      Assumptions.abort("systemd-analyze is not installed");
    }
    // Point %h/metadb at this checkout, so verify also checks that ExecStart is executable.
    String text = Files.readString(UNIT).replace("%h/metadb/", REPO + "/");
    Path copy = tmp.resolve("metadb-ingest.service");
    Files.writeString(copy, text);
    Process p = new ProcessBuilder(analyze.toString(), "verify", copy.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    assertEquals("", out.strip());
  }

  private static Map<String, Map<String, String>> parse(List<String> lines) {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    Map<String, String> current = null;
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current = new LinkedHashMap<>();
        sections.put(line.substring(1, line.length() - 1), current);
        continue;
      }
      int eq = line.indexOf('=');
      assertTrue(current != null && eq > 0, "not a key=value line inside a section: " + raw);
      current.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return sections;
  }
}
