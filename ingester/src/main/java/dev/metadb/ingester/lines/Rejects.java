package dev.metadb.ingester.lines;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;

/** Where rejected lines go: a {@link Quarantine} file, or nowhere in a dry run ({@link #DISCARD}). */
public interface Rejects extends Closeable {
  Rejects DISCARD = new Rejects() {
    @Override
    public void reject(LineReader line, String reason, FileChannel source) {}

    @Override
    public void sync() {}

    @Override
    public void close() {}
  };

  /** Records the reader's current line as rejected for {@code reason}. */
  void reject(LineReader line, String reason, FileChannel source) throws IOException;

  /** Makes the rejects so far durable; runs before the ledger moves past their lines. */
  void sync() throws IOException;

  @Override
  void close() throws IOException;
}
