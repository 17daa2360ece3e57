package dev.metadb.bench;

import java.util.List;

/**
 * One benchmark: runs its workload on every topology it compares, in the same run, and returns
 * its tables (each with its baseline ratios). A part that this build cannot run yet (a missing
 * stage) is shown as "not run" with the reason, not left out silently.
 */
interface Benchmark {
  /** Short name for {@code --only} and progress lines. */
  String name();

  List<ResultTable> run(BenchContext ctx) throws Exception;
}
