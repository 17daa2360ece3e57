package dev.metadb.query;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * RFC 4180 CSV: a header of column names, one line per row, fields separated by commas, lines
 * ended by {@code \n}. A field is quoted (quotes doubled) when it holds a comma, quote, CR or LF,
 * starts or ends with a blank, or is empty; NULL is the one unquoted empty field, so NULL and ''
 * stay distinct.
 */
final class CsvWriter {
  private CsvWriter() {}

  static long write(ArrowReader result, OutputStream out) throws IOException {
    Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    VectorSchemaRoot root = result.getVectorSchemaRoot();
    List<FieldVector> columns = root.getFieldVectors();
    for (int c = 0; c < columns.size(); c++) {
      if (c > 0) {
        writer.write(',');
      }
      field(writer, columns.get(c).getName());
    }
    writer.write('\n');
    long rows = 0;
    while (result.loadNextBatch()) {
      columns = root.getFieldVectors();
      for (int r = 0; r < root.getRowCount(); r++) {
        for (int c = 0; c < columns.size(); c++) {
          if (c > 0) {
            writer.write(',');
          }
          String text = CellFormat.text(columns.get(c), r);
          if (text != null) {
            field(writer, text);
          }
        }
        writer.write('\n');
      }
      rows += root.getRowCount();
    }
    writer.flush();
    return rows;
  }

  private static void field(Writer writer, String text) throws IOException {
    boolean quote = text.isEmpty() || Character.isWhitespace(text.charAt(0))
        || Character.isWhitespace(text.charAt(text.length() - 1));
    for (int i = 0; i < text.length() && !quote; i++) {
      char ch = text.charAt(i);
      quote = ch == ',' || ch == '"' || ch == '\n' || ch == '\r';
    }
    if (!quote) {
      writer.write(text);
      return;
    }
    writer.write('"');
    writer.write(text.replace("\"", "\"\""));
    writer.write('"');
  }
}
