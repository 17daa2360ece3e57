package dev.metadb.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's results: the markdown report (docs/benchmarks.md for a full run), each table's
 * raw CSV and JSON beside its charts, and the tables as aligned text for the terminal.
 *
 * <pre>
 * OUT/benchmarks.md           run info, then every table with its baseline ratios, notes, charts
 * OUT/benchmarks/ID.csv       the table's cells, header first (RFC 4180 quoting)
 * OUT/benchmarks/ID.json      {id, title, description, columns, rows, notes, charts}
 * OUT/benchmarks/ID*.png      charts, written by the benchmarks
 * </pre>
 */
final class Report {
  static final String DATA_DIR = "benchmarks";

  private Report() {}

  static void writeRaw(ResultTable table, Path dataDir) throws IOException {
    StringBuilder csv = new StringBuilder(csvLine(table.columns()));
    for (List<String> row : table.rows()) {
      csv.append(csvLine(row));
    }
    Files.writeString(dataDir.resolve(table.id() + ".csv"), csv);
    WriterReport.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(dataDir.resolve(table.id() + ".json").toFile(), table);
  }

  /** Headings of sections written by hand, which every run keeps (analysis beside the figures). */
  static final String HAND_WRITTEN_PREFIX = "Where the time goes";
  private static final String RUN_HEADING = "Run";
  private static final String NOT_RUN_HEADING = "Not run or failed";

  /**
   * Writes the report. A {@code partial} run (some benchmarks only, {@code --only}) replaces just
   * its own tables' sections of an existing report and keeps every other section as it was, each
   * with its own "Measured" line; a full run replaces every generated section. Sections whose
   * heading starts with {@value #HAND_WRITTEN_PREFIX} are written by hand and always kept.
   */
  static void writeMarkdown(Path file, RunInfo info, List<ResultTable> tables, List<String> notRun, boolean partial)
      throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# metadb benchmarks\n\n");
    md.append("Written by `bin/metadb-bench`; do not edit by hand, rerun it (sections headed \"")
        .append(HAND_WRITTEN_PREFIX).append("\" are written by hand and kept by every run). Each table compares ")
        .append("metadb with a baseline measured in the same run: the seed's topology (every writer process writes ")
        .append("straight into SQLite WAL with a 10 s busy timeout), a raw SQLite ceiling, or a bare JVM/file floor.\n\n");
    md.append("> **Noisy machine.** These figures were taken on a shared machine (2 cores, used at the same time by ")
        .append("other engineers' builds and tests). Absolute figures vary from run to run; compare figures within one ")
        .append("run only, which is why every table carries its own baseline.\n\n");
    md.append("## ").append(RUN_HEADING).append("\n\n");
    if (partial) {
      md.append("The last run regenerated only: ")
          .append(String.join(", ", tables.stream().map(t -> "\"" + t.title() + "\"").toList()))
          .append(". Every other section is from an earlier run, as its \"Measured\" line says.\n\n");
    }
    md.append("| | |\n|---|---|\n");
    for (Map.Entry<String, String> e : info.fields().entrySet()) {
      md.append("| ").append(e.getKey()).append(" | ").append(escape(e.getValue())).append(" |\n");
    }
    md.append('\n');
    Map<String, String> fresh = new LinkedHashMap<>();
    for (ResultTable table : tables) {
      fresh.put(table.title(), section(table, info));
    }
    Map<String, String> existing = Files.exists(file) ? sections(Files.readString(file)) : Map.of();
    for (Map.Entry<String, String> old : existing.entrySet()) {
      String title = old.getKey();
      if (fresh.containsKey(title)) {
        md.append(fresh.remove(title));
      } else if (title.startsWith(HAND_WRITTEN_PREFIX)
          || (partial && !title.equals(RUN_HEADING) && !title.equals(NOT_RUN_HEADING))) {
        md.append(old.getValue());
      }
    }
    fresh.values().forEach(md::append);
    if (!notRun.isEmpty()) {
      md.append("## ").append(NOT_RUN_HEADING).append("\n\n");
      for (String line : notRun) {
        md.append("- ").append(line).append('\n');
      }
      md.append('\n');
    }
    Files.writeString(file, md);
  }

  private static String section(ResultTable table, RunInfo info) {
    StringBuilder md = new StringBuilder();
    md.append("## ").append(table.title()).append("\n\n");
    md.append("*Measured ").append(info.fields().getOrDefault("date (UTC)", "?")).append(" at commit ")
        .append(info.fields().getOrDefault("commit", "?")).append(", ")
        .append(info.fields().getOrDefault("mode", "?").startsWith("full") ? "full run" : "quick run")
        .append("; load average at the start of the run ").append(info.fields().getOrDefault("load average at start", "?"))
        .append(".*\n\n");
    if (!table.description().isBlank()) {
      md.append(table.description()).append("\n\n");
    }
    md.append(markdownTable(table)).append('\n');
    for (String note : table.notes()) {
      md.append("- ").append(note).append('\n');
    }
    if (!table.notes().isEmpty()) {
      md.append('\n');
    }
    for (String chart : table.charts()) {
      md.append("![").append(table.title()).append("](").append(DATA_DIR).append('/').append(chart).append(")\n\n");
    }
    md.append("Raw: [").append(table.id()).append(".csv](").append(DATA_DIR).append('/').append(table.id())
        .append(".csv), [").append(table.id()).append(".json](").append(DATA_DIR).append('/').append(table.id())
        .append(".json)\n\n");
    return md.toString();
  }

  /** The report's level-2 sections, heading to text (heading line included), in order. */
  static Map<String, String> sections(String markdown) {
    Map<String, String> sections = new LinkedHashMap<>();
    String title = null;
    StringBuilder text = new StringBuilder();
    for (String line : markdown.split("\n", -1)) {
      if (line.startsWith("## ")) {
        if (title != null) {
          sections.put(title, text.toString());
        }
        title = line.substring(3).strip();
        text.setLength(0);
      }
      if (title != null) {
        text.append(line).append('\n');
      }
    }
    if (title != null) {
      sections.put(title, text.toString().stripTrailing() + "\n\n");
    }
    return sections;
  }

  /** The table as aligned plain text, for stdout. */
  static String text(ResultTable table) {
    int[] width = new int[table.columns().size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = table.columns().get(c).length();
      for (List<String> row : table.rows()) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder("== ").append(table.title()).append('\n');
    out.append(textRow(table.columns(), width));
    StringBuilder rule = new StringBuilder();
    for (int w : width) {
      rule.append("-".repeat(w)).append("  ");
    }
    out.append(rule.toString().stripTrailing()).append('\n');
    for (List<String> row : table.rows()) {
      out.append(textRow(row, width));
    }
    for (String note : table.notes()) {
      out.append("  * ").append(note.replace("**", "")).append('\n');
    }
    return out.toString();
  }

  private static String markdownTable(ResultTable table) {
    StringBuilder md = new StringBuilder("| ").append(String.join(" | ", table.columns())).append(" |\n|");
    for (int c = 0; c < table.columns().size(); c++) {
      md.append(c == 0 ? "---|" : "---:|");
    }
    md.append('\n');
    for (List<String> row : table.rows()) {
      md.append("| ").append(String.join(" | ", row.stream().map(Report::escape).toList())).append(" |\n");
    }
    return md.toString();
  }

  private static String textRow(List<String> cells, int[] width) {
    StringBuilder s = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      s.append(c == 0 ? pad(cell, width[c]) : " ".repeat(width[c] - cell.length()) + cell).append("  ");
    }
    return s.toString().stripTrailing() + '\n';
  }

  private static String pad(String s, int width) {
    return s + " ".repeat(width - s.length());
  }

  private static String escape(String cell) {
    return cell.replace("|", "\\|").replace("\n", " ");
  }

  private static String csvLine(List<String> cells) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      if (i > 0) {
        s.append(',');
      }
      if (cell.contains(",") || cell.contains("\"") || cell.contains("\n")) {
        s.append('"').append(cell.replace("\"", "\"\"")).append('"');
      } else {
        s.append(cell);
      }
    }
    return s.append("\r\n").toString();
  }
}
