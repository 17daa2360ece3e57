package dev.metadb.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One published table: what was measured, against which baseline, the rows, and the ratios and
 * targets read from them. Cells are already formatted ({@link Cells}); the CSV and JSON files
 * hold the same cells, so every published figure has one source.
 *
 * @param id file-name stem of its raw files and charts, e.g. {@code concurrent-writers}
 * @param title the table's heading
 * @param description how it was measured and what the baseline is (markdown)
 * @param columns column headings
 * @param rows cells, one list per row, as wide as {@code columns}
 * @param notes ratios to the baseline and target checks, one sentence each (markdown)
 * @param charts PNG file names (in the data dir) drawn from this table
 */
record ResultTable(
    String id, String title, String description, List<String> columns, List<List<String>> rows,
    List<String> notes, List<String> charts) {

  static Builder builder(String id, String title) {
    return new Builder(id, title);
  }

  static final class Builder {
    private final String id;
    private final String title;
    private String description = "";
    private List<String> columns = List.of();
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> charts = new ArrayList<>();

    private Builder(String id, String title) {
      this.id = id;
      this.title = title;
    }

    Builder description(String text) {
      description = text;
      return this;
    }

    Builder columns(String... names) {
      columns = List.of(names);
      return this;
    }

    Builder row(List<String> cells) {
      if (cells.size() != columns.size()) {
        throw new IllegalArgumentException(id + ": row has " + cells.size() + " cells for " + columns.size() + " columns");
      }
      rows.add(List.copyOf(cells));
      return this;
    }

    Builder row(String... cells) {
      return row(List.of(cells));
    }

    Builder note(String text) {
      notes.add(text);
      return this;
    }

    Builder chart(String fileName) {
      charts.add(fileName);
      return this;
    }

    String id() {
      return id;
    }

    ResultTable build() {
      return new ResultTable(id, title, description, columns, List.copyOf(rows), List.copyOf(notes), List.copyOf(charts));
    }
  }
}
