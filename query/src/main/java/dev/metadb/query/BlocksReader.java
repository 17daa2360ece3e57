package dev.metadb.query;

import java.io.IOException;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An {@link ArrowReader} over row blocks already in memory: each call hands out the next slice of
 * at most {@link #BATCH_ROWS} rows, sharing the blocks' buffers (no copy). This is what DuckDB
 * scans through the C stream interface.
 *
 * <p>Single pass, like every Arrow stream. The blocks must stay open until the reader is closed;
 * the reader never closes them.
 */
final class BlocksReader extends ArrowReader {
  /** Rows per batch: enough to amortise the per-batch call, small enough to spread over threads. */
  static final int BATCH_ROWS = 128 * 1024;

  private final Schema schema;
  private final List<RowBlock> blocks;
  private int block;
  private int offset;

  BlocksReader(BufferAllocator allocator, Schema schema, List<RowBlock> blocks) {
    super(allocator);
    this.schema = schema;
    this.blocks = blocks;
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    while (block < blocks.size() && offset >= blocks.get(block).rows()) {
      block++;
      offset = 0;
    }
    if (block == blocks.size()) {
      return false;
    }
    RowBlock source = blocks.get(block);
    int length = Math.min(BATCH_ROWS, source.rows() - offset);
    VectorSchemaRoot root = getVectorSchemaRoot();
    for (FieldVector target : root.getFieldVectors()) {
      source.vector(target.getName()).makeTransferPair(target).splitAndTransfer(offset, length);
    }
    root.setRowCount(length);
    offset += length;
    return true;
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  protected void closeReadSource() {}

  @Override
  protected Schema readSchema() {
    return schema;
  }
}
