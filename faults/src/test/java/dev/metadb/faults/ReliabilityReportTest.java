package dev.metadb.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs last: turns the rows this run's fault tests appended into the reliability report.
 * Always writes {@code faults/target/reliability/reliability.md}; a full run
 * ({@code -Dfaults.full=true}) in which every fault test ran also writes docs/reliability.md.
 */
@Order(Integer.MAX_VALUE)
class ReliabilityReportTest {
  /** Every row a complete run of the suite produces. */
  static final Set<String> TESTS = Set.of(
      "KillNineFaultTest", "DiskFullFaultTest-QUEUE", "DiskFullFaultTest-SPOOL", "DiskFullFaultTest-META_DB",
      "DiskFullFaultTest-ALL", "LockedDatabaseFaultTest", "QueueDirectoryFaultTest", "QueueDirectoryFaultTest-idle",
      "HostileRecordFaultTest", "CorruptSpoolFaultTest");

  @Test
  void reportHasOneRowPerFaultTestWithItsFigures() throws Exception {
    List<ResultRow> all = Results.read(Results.file());
    List<ResultRow> rows = ReliabilityReport.rowsOf(all, Results.RUN);
    boolean thisRun = !rows.isEmpty();
    if (!thisRun) {
      rows = ReliabilityReport.newestRun(all);
      System.out.println("[faults] no fault test ran in this JVM: reporting the newest run in " + Results.file());
    }
    String md = ReliabilityReport.render(rows, ReliabilityReport.Machine.describe(), "ReliabilityReportTest");
    Path out = Results.dir().resolve("reliability.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, md, StandardCharsets.UTF_8);
    System.out.println("[faults] wrote " + out);

    List<String> tableRows = md.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| fault class")).toList();
    assertEquals(rows.size(), tableRows.size(), "one table row per result row");
    for (int i = 0; i < rows.size(); i++) {
      ResultRow r = rows.get(i);
      String line = tableRows.get(i);
      assertTrue(line.startsWith("| " + r.faultClass() + " | "), line);
      if (!r.skipped()) {
        assertTrue(line.contains(" | " + r.recorded() + " | " + r.landed() + " | " + r.duplicates() + " | " + r.missing() + " | "),
            "the row carries the figures of " + r.test() + ": " + line);
      }
    }
    Set<String> ran = rows.stream().map(ResultRow::test).collect(Collectors.toSet());
    if (Scale.FULL && thisRun && ran.containsAll(TESTS)) {
      assertFalse(rows.stream().anyMatch(r -> !r.passed() && !r.skipped()),
          "a full run with failures does not replace docs/reliability.md; its report is in " + out);
      Path docs = Path.of(System.getProperty("faults.report", "../docs/reliability.md")).toAbsolutePath().normalize();
      Files.createDirectories(docs.getParent());
      Files.writeString(docs, md, StandardCharsets.UTF_8);
      System.out.println("[faults] full run: wrote " + docs);
    } else if (Scale.FULL) {
      System.out.println("[faults] full run, but not every fault test ran in this JVM (missing " + TESTS.stream().filter(t -> !ran.contains(t)).toList()
          + "): docs/reliability.md left as it is");
    }
  }
}
