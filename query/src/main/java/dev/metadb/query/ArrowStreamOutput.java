package dev.metadb.query;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;

/** The result as an Arrow IPC stream: the schema, then every batch as DuckDB produced it. */
final class ArrowStreamOutput {
  private ArrowStreamOutput() {}

  static long write(ArrowReader result, OutputStream out) throws IOException {
    long rows = 0;
    try (ArrowStreamWriter writer =
        new ArrowStreamWriter(result.getVectorSchemaRoot(), null, Channels.newChannel(new NonClosing(out)))) {
      writer.start();
      while (result.loadNextBatch()) {
        writer.writeBatch();
        rows += result.getVectorSchemaRoot().getRowCount();
      }
      writer.end();
    }
    out.flush();
    return rows;
  }

  /** Lets the writer close its channel without closing the caller's stream (stdout). */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
