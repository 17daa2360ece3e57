package dev.metadb.query;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * Copies rows of a meta.db SELECT into a {@link RowBlock}, column by column with
 * {@link ColumnKind#copy}. Column names come from the event model, never from user input, so they
 * are spliced into SQL as they are; values are always bound.
 */
final class SqliteRows {
  private SqliteRows() {}

  /** {@code a, b, c} for the columns, in order. */
  static String selectList(List<SnapshotColumn> columns) {
    return columns.stream().map(SnapshotColumn::name).collect(Collectors.joining(", "));
  }

  /** Runs {@code statement} and reads every row into a new block with {@code columns}. */
  static RowBlock readAll(PreparedStatement statement, List<SnapshotColumn> columns, BufferAllocator allocator)
      throws SQLException {
    try (ResultSet rows = statement.executeQuery()) {
      return read(rows, columns, allocator, Integer.MAX_VALUE);
    }
  }

  /**
   * Reads up to {@code limit} further rows of {@code rows} (whose columns are {@code columns} in
   * order) into a new block; fewer rows means the result set is exhausted.
   */
  static RowBlock read(ResultSet rows, List<SnapshotColumn> columns, BufferAllocator allocator, int limit)
      throws SQLException {
    RowBlock block = RowBlock.allocate(allocator, columns);
    try {
      ColumnKind[] kinds = new ColumnKind[columns.size()];
      FieldVector[] targets = new FieldVector[columns.size()];
      for (int c = 0; c < kinds.length; c++) {
        kinds[c] = columns.get(c).kind();
        targets[c] = block.vector(columns.get(c).name());
      }
      int count = 0;
      while (count < limit && rows.next()) {
        for (int c = 0; c < kinds.length; c++) {
          kinds[c].copy(rows, c + 1, targets[c], count);
        }
        count++;
      }
      block.setRows(count);
      return block;
    } catch (SQLException | RuntimeException e) {
      block.close();
      throw e;
    }
  }
}
