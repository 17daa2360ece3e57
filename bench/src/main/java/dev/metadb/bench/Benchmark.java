package dev.metadb.bench;

import java.util.List;

/**
 * One benchmark: runs its workload on every topology it compares, in the same run, and returns
 * its tables, each with its baseline ratios and the targets read from them.
 */
interface Benchmark {
  /** Short name for {@code --only} and progress lines. */
  String name();

  List<ResultTable> run(BenchContext ctx) throws Exception;
}
