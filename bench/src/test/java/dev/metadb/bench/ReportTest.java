package dev.metadb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  private static ResultTable sample() {
    return ResultTable.builder("sample", "Sample table")
        .description("What was measured.")
        .columns("Topology", "P95 ms", "vs baseline")
        .row("direct SQLite (baseline)", "252.552", "1x")
        .row("metadb, queue | ingester", "0.010", "0.0000x")
        .note("Target: **NOT met**.")
        .chart("sample.png")
        .build();
  }

  @Test
  void rawFilesHoldTheSameCellsAsTheTable(@TempDir Path dir) throws Exception {
    ResultTable table = ResultTable.builder("quoted", "Quoted")
        .columns("Name", "Value")
        .row("a, \"b\"", "1")
        .build();
    Report.writeRaw(table, dir);
    assertEquals("Name,Value\r\n\"a, \"\"b\"\"\",1\r\n", Files.readString(dir.resolve("quoted.csv")));
    JsonNode json = WriterReport.JSON.readTree(dir.resolve("quoted.json").toFile());
    assertEquals("a, \"b\"", json.at("/rows/0/0").asText());
    assertEquals("Quoted", json.get("title").asText());
  }

  @Test
  void markdownHasRunInfoTablesNotesChartsAndFailures(@TempDir Path dir) throws Exception {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("command", "`bin/metadb-bench`");
    fields.put("machine", "2 cores");
    Path md = dir.resolve("benchmarks.md");
    Report.writeMarkdown(md, new RunInfo(fields), List.of(sample()), List.of("`lag` failed: boom"), false);
    String text = Files.readString(md);
    assertTrue(text.contains("| command | `bin/metadb-bench` |"), text);
    assertTrue(text.contains("noisy") || text.contains("Noisy"), "the shared-machine caveat is stated");
    assertTrue(text.contains("## Sample table"));
    assertTrue(text.contains("| Topology | P95 ms | vs baseline |\n|---|---:|---:|"), text);
    assertTrue(text.contains("| metadb, queue \\| ingester | 0.010 | 0.0000x |"), "pipes in cells are escaped");
    assertTrue(text.contains("- Target: **NOT met**."));
    assertTrue(text.contains("![Sample table](benchmarks/sample.png)"));
    assertTrue(text.contains("[sample.csv](benchmarks/sample.csv)"));
    assertTrue(text.contains("## Not run or failed\n\n- `lag` failed: boom"));
  }

  @Test
  void aPartialRunReplacesOnlyItsOwnSectionsAndEveryRunKeepsHandWrittenOnes(@TempDir Path dir) throws Exception {
    Path md = dir.resolve("benchmarks.md");
    ResultTable other = ResultTable.builder("other", "Other table").columns("a").row("old figure").build();
    Map<String, String> first = new LinkedHashMap<>(Map.of("date (UTC)", "first-run"));
    Report.writeMarkdown(md, new RunInfo(first), List.of(sample(), other), List.of(), false);
    Files.writeString(md, Files.readString(md) + "## Where the time goes: sample\n\nProfiled by hand.\n");

    ResultTable newer = ResultTable.builder("sample", "Sample table").columns("a").row("new figure").build();
    Report.writeMarkdown(md, new RunInfo(Map.of("date (UTC)", "second-run")), List.of(newer), List.of(), true);
    String text = Files.readString(md);
    assertTrue(text.contains("| new figure |") && !text.contains("252.552"), text);
    assertTrue(text.contains("| old figure |"), "the other table is kept: " + text);
    assertTrue(text.contains("Profiled by hand."), text);
    assertEquals(1, text.split("## Sample table", -1).length - 1, text);
    assertTrue(text.indexOf("## Sample table") < text.indexOf("## Other table"), "sections keep their order");
    assertTrue(text.contains("*Measured second-run") && text.contains("*Measured first-run"), text);

    Report.writeMarkdown(md, new RunInfo(Map.of("date (UTC)", "third-run")), List.of(newer), List.of(), false);
    text = Files.readString(md);
    assertTrue(!text.contains("| old figure |"), "a full run drops tables it did not make: " + text);
    assertTrue(text.contains("Profiled by hand."), text);
  }

  @Test
  void textIsAlignedAndDropsMarkdownEmphasis() {
    String text = Report.text(sample());
    List<String> lines = text.lines().toList();
    assertEquals("== Sample table", lines.get(0));
    assertEquals(lines.get(1).length(), lines.get(3).length(), text);
    assertTrue(text.contains("* Target: NOT met."), text);
  }

  @Test
  void aRowMustBeAsWideAsTheColumns() {
    var builder = ResultTable.builder("x", "X").columns("a", "b");
    assertThrows(IllegalArgumentException.class, () -> builder.row("only one"));
  }
}
