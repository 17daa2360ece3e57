/**
 * {@code bin/metadb-bench}: every benchmark a {@link dev.metadb.bench.Benchmark} on
 * {@link dev.metadb.bench.BenchContext}, each figure reported as a ratio against a baseline
 * measured in the same run, written to docs/benchmarks.md.
 *
 * <p>Uses every stage as a user would; no stage may depend on it.
 */
package dev.metadb.bench;
