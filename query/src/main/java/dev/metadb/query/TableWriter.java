package dev.metadb.query;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Aligned columns for a person at a terminal: a header, a rule, the rows, then {@code (N rows)}.
 * Numbers are right-aligned, NULL prints as {@code NULL}, control characters are escaped
 * ({@code \n}, {@code \t}) so a row stays on one line, and a cell longer than
 * {@link #MAX_WIDTH} characters is cut with {@code …}. Use csv or json for exact values.
 *
 * <p>Holds the rows' text in memory to measure the columns.
 */
final class TableWriter {
  static final int MAX_WIDTH = 60;

  private TableWriter() {}

  static long write(ArrowReader result, OutputStream out) throws IOException {
    VectorSchemaRoot root = result.getVectorSchemaRoot();
    int width = root.getSchema().getFields().size();
    String[] header = new String[width];
    int[] widths = new int[width];
    boolean[] numeric = new boolean[width];
    for (int c = 0; c < width; c++) {
      header[c] = cell(root.getVector(c).getName());
      widths[c] = header[c].length();
    }
    List<String[]> rows = new ArrayList<>();
    while (result.loadNextBatch()) {
      List<FieldVector> columns = root.getFieldVectors();
      for (int c = 0; c < width; c++) {
        numeric[c] = CellFormat.isNumeric(columns.get(c));
      }
      for (int r = 0; r < root.getRowCount(); r++) {
        String[] row = new String[width];
        for (int c = 0; c < width; c++) {
          String text = CellFormat.text(columns.get(c), r);
          row[c] = text == null ? "NULL" : cell(text);
          widths[c] = Math.max(widths[c], row[c].length());
        }
        rows.add(row);
      }
    }
    PrintStream print = new PrintStream(out, false, StandardCharsets.UTF_8);
    print.println(line(header, widths, new boolean[width]));
    StringBuilder rule = new StringBuilder();
    for (int c = 0; c < width; c++) {
      rule.append(c == 0 ? "" : "-+-").append("-".repeat(widths[c]));
    }
    print.println(rule);
    for (String[] row : rows) {
      print.println(line(row, widths, numeric));
    }
    print.println("(" + rows.size() + (rows.size() == 1 ? " row)" : " rows)"));
    print.flush();
    return rows.size();
  }

  private static String line(String[] cells, int[] widths, boolean[] rightAligned) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      if (c > 0) {
        line.append(" | ");
      }
      String pad = " ".repeat(widths[c] - cells[c].length());
      if (rightAligned[c]) {
        line.append(pad).append(cells[c]);
      } else {
        line.append(cells[c]);
        if (c < cells.length - 1) {
          line.append(pad);
        }
      }
    }
    return line.toString();
  }

  private static String cell(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_WIDTH + 1));
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      switch (ch) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(Character.isISOControl(ch) ? '?' : ch);
      }
      if (out.length() > MAX_WIDTH) {
        out.setLength(MAX_WIDTH - 1);
        out.append('…');
        break;
      }
    }
    return out.toString();
  }
}
