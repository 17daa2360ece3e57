package dev.metadb.query;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import org.apache.arrow.vector.ipc.ArrowReader;

/** How {@code metadb query} prints a result. */
public enum ResultFormat {
  /** Aligned columns for a terminal, then {@code (N rows)}. */
  TABLE,
  /** RFC 4180 CSV with a header line; NULL is an empty field, an empty string is {@code ""}. */
  CSV,
  /** One JSON document: {@code {"columns":[{"name","type"}...],"rows":[{...}...],"row_count":N}}. */
  JSON,
  /** An Arrow IPC stream (schema, then record batches), for pyarrow, polars or DuckDB. */
  ARROW;

  /** The format named {@code name} (any case). */
  public static ResultFormat parse(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  /** Writes every batch of {@code result} to {@code out} and returns the number of rows. */
  long write(ArrowReader result, OutputStream out) throws IOException {
    return switch (this) {
      case TABLE -> TableWriter.write(result, out);
      case CSV -> CsvWriter.write(result, out);
      case JSON -> JsonWriter.write(result, out);
      case ARROW -> ArrowStreamOutput.write(result, out);
    };
  }
}
