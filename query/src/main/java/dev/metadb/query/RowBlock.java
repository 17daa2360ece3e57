package dev.metadb.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.algorithm.deduplicate.VectorRunDeduplicator;
import org.apache.arrow.algorithm.search.VectorRangeSearcher;
import org.apache.arrow.algorithm.sort.CompositeVectorComparator;
import org.apache.arrow.algorithm.sort.DefaultVectorComparators;
import org.apache.arrow.algorithm.sort.IndexSorter;
import org.apache.arrow.algorithm.sort.VectorValueComparator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.arrow.vector.util.VectorBatchAppender;

/**
 * Rows of one table held as Arrow vectors of equal length, one per column, in KEY ORDER once
 * {@link #sortByKey} or {@link #merge} made them so.
 *
 * <p>KEY ORDER. Rows are ordered by {@code (ts_utc, id)}. ts_utc is the order queries and
 * windows want; id breaks ties between events of the same microsecond and makes the key unique
 * (it is SQLite's INTEGER PRIMARY KEY), so the order of any set of rows is fully determined: a
 * snapshot extended a hundred times holds its rows in the same order as one built at once.
 *
 * <p>The three arrow-algorithm tools, and what each is for here:
 *
 * <ul>
 *   <li>{@link IndexSorter} with a {@link CompositeVectorComparator} over (ts_utc, id) sorts the
 *       rows fetched since the watermark, which SQLite returns in id order: a replayed event has
 *       an old ts_utc but a new id.
 *   <li>{@link VectorRangeSearcher} finds where a time bound falls in a sorted block (the first row
 *       at or after it), to cut {@code --since/--until} windows without scanning.
 *   <li>{@link VectorRunDeduplicator} over the merged id column: a row present in both inputs of
 *       a merge sits twice in a row in key order (same ts_utc, same id), and the merge keeps it
 *       once. With an intact id watermark the inputs never overlap; this keeps a merge a set
 *       union, so applying a delta twice cannot double rows.
 * </ul>
 *
 * <p>Owns its vectors: {@link #close} frees them. Not thread-safe.
 */
final class RowBlock implements AutoCloseable {
  private final BufferAllocator allocator;
  private final Map<String, FieldVector> vectors;
  private int rows;

  private RowBlock(BufferAllocator allocator, Map<String, FieldVector> vectors, int rows) {
    this.allocator = allocator;
    this.vectors = vectors;
    this.rows = rows;
    for (FieldVector vector : vectors.values()) {
      vector.setValueCount(rows);
    }
  }

  /** An empty block with a vector per column; callers fill it and then call {@link #setRows}. */
  static RowBlock allocate(BufferAllocator allocator, Collection<SnapshotColumn> columns) {
    Map<String, FieldVector> vectors = new LinkedHashMap<>();
    for (SnapshotColumn column : columns) {
      FieldVector vector = column.field().createVector(allocator);
      vector.allocateNew();
      vectors.put(column.name(), vector);
    }
    return new RowBlock(allocator, vectors, 0);
  }

  /** Takes ownership of {@code vectors} (all of {@code rows} values). */
  static RowBlock of(BufferAllocator allocator, List<FieldVector> vectors, int rows) {
    Map<String, FieldVector> byName = new LinkedHashMap<>();
    for (FieldVector vector : vectors) {
      byName.put(vector.getName(), vector);
    }
    return new RowBlock(allocator, byName, rows);
  }

  void setRows(int rows) {
    this.rows = rows;
    for (FieldVector vector : vectors.values()) {
      vector.setValueCount(rows);
    }
  }

  int rows() {
    return rows;
  }

  FieldVector vector(String name) {
    FieldVector vector = vectors.get(name);
    if (vector == null) {
      throw new IllegalArgumentException("block has no column " + name + " (has " + vectors.keySet() + ")");
    }
    return vector;
  }

  BigIntVector ids() {
    return (BigIntVector) vector(TableLayout.ID);
  }

  TimeStampMicroTZVector timestamps() {
    return (TimeStampMicroTZVector) vector(TableLayout.TS_UTC);
  }

  /** The key of row {@code i}. */
  RowKey key(int i) {
    return new RowKey(timestamps().get(i), ids().get(i));
  }

  /** Adds a column of exactly {@link #rows} values, taking ownership of it. */
  void addColumn(FieldVector vector) {
    if (vector.getValueCount() != rows) {
      throw new IllegalArgumentException(
          "column " + vector.getName() + " has " + vector.getValueCount() + " values, block has " + rows);
    }
    vectors.put(vector.getName(), vector);
  }

  /** Removes a column without freeing it: the caller owns it from now on. */
  FieldVector detachColumn(String name) {
    FieldVector vector = vectors.remove(name);
    if (vector == null) {
      throw new IllegalArgumentException("block has no column " + name);
    }
    return vector;
  }

  boolean isSortedByKey() {
    TimeStampMicroTZVector ts = timestamps();
    BigIntVector id = ids();
    for (int i = 1; i < rows; i++) {
      long a = ts.get(i - 1);
      long b = ts.get(i);
      if (a > b || (a == b && id.get(i - 1) >= id.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Puts the rows in key order (a no-op when they already are, the common append case). */
  void sortByKey() {
    if (isSortedByKey()) {
      return;
    }
    try (IntVector order = new IntVector("order", allocator)) {
      order.allocateNew(rows);
      order.setValueCount(rows);
      new IndexSorter<ValueVector>().sort(timestamps(), order, keyComparator(this, this));
      int[] permutation = new int[rows];
      for (int i = 0; i < rows; i++) {
        permutation[i] = order.get(i);
      }
      permute(permutation);
    }
  }

  /**
   * The first row whose ts_utc is at or after {@code micros}; {@link #rows} when there is none.
   * The block must be in key order.
   */
  int firstAtOrAfter(long micros) {
    if (rows == 0) {
      return 0;
    }
    try (TimeStampMicroTZVector probe = new TimeStampMicroTZVector("probe", allocator, "UTC")) {
      probe.allocateNew(1);
      probe.set(0, micros);
      probe.setValueCount(1);
      // Every row before the bound compares "key larger", every row at or after it "equal": the
      // first match of the probe is the first row at or after the bound.
      int first = VectorRangeSearcher.getFirstMatch(timestamps(), new AtOrAfter(), probe, 0);
      return first == VectorRangeSearcher.SEARCH_FAIL_RESULT ? rows : first;
    }
  }

  /** A new block holding rows {@code [from, to)} of this one; this block is unchanged. */
  RowBlock slice(int from, int to) {
    List<FieldVector> out = new ArrayList<>(vectors.size());
    for (FieldVector vector : vectors.values()) {
      TransferPair pair = vector.getTransferPair(allocator);
      pair.splitAndTransfer(from, to - from);
      out.add((FieldVector) pair.getTo());
    }
    return of(allocator, out, to - from);
  }

  /**
   * A new block with the rows of both inputs, which must be in key order and have the same
   * columns, in key order, each row once (see the class comment). The inputs are unchanged.
   */
  static RowBlock merge(BufferAllocator allocator, RowBlock a, RowBlock b) {
    RowBlock both = concat(allocator, List.of(a, b));
    int[] order = new int[both.rows];
    BigIntVector aId = a.ids();
    BigIntVector bId = b.ids();
    TimeStampMicroTZVector aTs = a.timestamps();
    TimeStampMicroTZVector bTs = b.timestamps();
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.rows || j < b.rows) {
      boolean takeA;
      if (i == a.rows) {
        takeA = false;
      } else if (j == b.rows) {
        takeA = true;
      } else {
        int c = Long.compare(aTs.get(i), bTs.get(j));
        takeA = c < 0 || (c == 0 && aId.get(i) <= bId.get(j));
      }
      order[k++] = takeA ? i++ : a.rows + j++;
    }
    both.permute(order);
    both.dropRepeatedIds();
    return both;
  }

  /** A new block with the rows of {@code blocks} one after another (all with the same columns). */
  static RowBlock concat(BufferAllocator allocator, List<RowBlock> blocks) {
    RowBlock first = blocks.get(0);
    List<FieldVector> out = new ArrayList<>();
    int total = 0;
    for (RowBlock block : blocks) {
      total += block.rows;
    }
    for (String name : first.vectors.keySet()) {
      FieldVector target = first.vector(name).getField().createVector(allocator);
      target.allocateNew();
      target.setValueCount(0);
      FieldVector[] sources = new FieldVector[blocks.size()];
      for (int i = 0; i < sources.length; i++) {
        sources[i] = blocks.get(i).vector(name);
      }
      VectorBatchAppender.batchAppend(target, sources);
      out.add(target);
    }
    return of(allocator, out, total);
  }

  /** Keeps the first row of every run of equal ids (rows are in key order). */
  private void dropRepeatedIds() {
    try (VectorRunDeduplicator<BigIntVector> runs = new VectorRunDeduplicator<>(ids(), allocator)) {
      int runCount = runs.getRunCount();
      if (runCount == rows) {
        return;
      }
      try (IntVector lengths = new IntVector("run_lengths", allocator)) {
        runs.populateRunLengths(lengths);
        int[] keep = new int[runCount];
        int start = 0;
        for (int r = 0; r < runCount; r++) {
          keep[r] = start;
          start += lengths.get(r);
        }
        permute(keep);
      }
    }
  }

  /** Replaces every column by its values at {@code order[0], order[1], ...}. */
  private void permute(int[] order) {
    for (Map.Entry<String, FieldVector> entry : vectors.entrySet()) {
      FieldVector source = entry.getValue();
      FieldVector target = source.getField().createVector(allocator);
      target.allocateNew();
      for (int i = 0; i < order.length; i++) {
        target.copyFromSafe(order[i], i, source);
      }
      target.setValueCount(order.length);
      entry.setValue(target);
      source.close();
    }
    rows = order.length;
  }

  /** Key order over (ts_utc, id) of two blocks' rows, as arrow-algorithm comparators. */
  private static VectorValueComparator<ValueVector> keyComparator(RowBlock left, RowBlock right) {
    VectorValueComparator<TimeStampVector> ts = DefaultVectorComparators.createDefaultComparator(left.timestamps());
    ts.attachVectors(left.timestamps(), right.timestamps());
    VectorValueComparator<BigIntVector> id = DefaultVectorComparators.createDefaultComparator(left.ids());
    id.attachVectors(left.ids(), right.ids());
    return new CompositeVectorComparator(new VectorValueComparator[] {ts, id});
  }

  /** Compares a probe (vector1) with a row (vector2): 0 when the row is at or after the probe. */
  private static final class AtOrAfter extends VectorValueComparator<TimeStampMicroTZVector> {
    AtOrAfter() {
      super(Long.BYTES);
    }

    @Override
    public int compareNotNull(int probeIndex, int rowIndex) {
      return vector2.get(rowIndex) < vector1.get(probeIndex) ? 1 : 0;
    }

    @Override
    public VectorValueComparator<TimeStampMicroTZVector> createNew() {
      return new AtOrAfter();
    }
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (FieldVector vector : vectors.values()) {
      try {
        vector.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    vectors.clear();
    if (first != null) {
      throw first;
    }
  }
}
