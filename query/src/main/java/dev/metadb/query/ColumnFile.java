package dev.metadb.query;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.util.TransferPair;

/**
 * One column of one snapshot segment on disk: an Arrow IPC file with a single field and a single
 * record batch holding all the segment's rows. Written under a temporary name and renamed into
 * place, so a file that exists under its final name is complete.
 */
final class ColumnFile {
  private ColumnFile() {}

  static void write(Path target, FieldVector vector) throws IOException {
    Path tmp = AtomicFiles.temporary(target);
    try {
      // The root shares the caller's vector and is deliberately not closed: that would free it.
      VectorSchemaRoot root = new VectorSchemaRoot(List.of(vector.getField()), List.of(vector), vector.getValueCount());
      try (FileChannel channel = AtomicFiles.create(tmp);
          ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
        writer.start();
        writer.writeBatch();
        writer.end();
      }
      AtomicFiles.commit(tmp, target);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /**
   * Reads the column back into a vector the caller owns.
   *
   * @throws IOException also when the file does not hold exactly {@code expectedRows} values of
   *     one column named {@code column}
   */
  static FieldVector read(Path file, String column, int expectedRows, BufferAllocator allocator) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader reader = new ArrowFileReader(channel, allocator)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      if (root.getFieldVectors().size() != 1 || !root.getVector(0).getName().equals(column)) {
        throw new IOException(file + " does not hold column " + column);
      }
      if (!reader.loadNextBatch() || root.getRowCount() != expectedRows) {
        throw new IOException(file + " does not hold " + expectedRows + " rows");
      }
      FieldVector loaded = root.getVector(0);
      TransferPair pair = loaded.getTransferPair(allocator);
      pair.transfer();
      FieldVector out = (FieldVector) pair.getTo();
      out.setValueCount(expectedRows);
      return out;
    }
  }
}
