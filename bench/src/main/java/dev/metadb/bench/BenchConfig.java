package dev.metadb.bench;

import java.util.List;

/**
 * How much work each benchmark does. {@link #fullRun()} is the seed's workload (its three tables use
 * its exact counts); {@link #quickRun()} is a smoke run for CI that keeps every code path and takes
 * about a minute on two cores. Quick figures are not results.
 *
 * @param writerCounts concurrent writer processes per row of the concurrent-writers table
 * @param writesPerWriter writes each of those processes makes
 * @param readLoadWriters writer processes during the reads-under-load run
 * @param readLoadMillis how long those writers write
 * @param readLoadRatePerWriter rounds per second each of them writes (one event per table a
 *     round), the same for both topologies so their readers face the same write load
 * @param readIntervalMillis time from one read round (each query once) to the next
 * @param coldIterations fresh-JVM runs per cold scenario
 * @param warmIterations timed open-write-close rounds per warm scenario
 * @param warmupIterations untimed rounds before them
 * @param throughputEvents events in the pre-filled queue and in the raw-insert ceiling
 * @param rawBatchSize rows per transaction in the raw-insert ceiling
 * @param throughputRounds rounds of the ingest-throughput table, each timing the ceiling and both
 *     ingest paths afresh, so the table shows the spread between rounds, not one draw
 * @param appendsPerThread timed appends per thread for the in-process append latency
 * @param sqliteAppendsPerThread the same for the (much slower) direct SQLite insert
 * @param appendThreads thread counts for the in-process append latency
 * @param lagWriters writer processes for the end-to-end lag
 * @param lagRatePerWriter events per second each of them appends
 * @param lagMillis how long they append
 * @param lagSaturatedRatePerWriter events per second each writer appends in the saturated run
 * @param steadyWriterCounts long-lived writer processes per row of the steady-state table
 * @param steadyMillis how long each of them writes as fast as it can, timed
 * @param steadyWarmupMillis untimed writes before that, so the timed ones run compiled code
 */
record BenchConfig(
    boolean quick,
    List<Integer> writerCounts,
    int writesPerWriter,
    int readLoadWriters,
    long readLoadMillis,
    int readLoadRatePerWriter,
    long readIntervalMillis,
    int coldIterations,
    int warmIterations,
    int warmupIterations,
    int throughputEvents,
    int rawBatchSize,
    int throughputRounds,
    int appendsPerThread,
    int sqliteAppendsPerThread,
    List<Integer> appendThreads,
    int lagWriters,
    int lagRatePerWriter,
    long lagMillis,
    int lagSaturatedRatePerWriter,
    List<Integer> steadyWriterCounts,
    long steadyMillis,
    long steadyWarmupMillis) {

  static BenchConfig fullRun() {
    return new BenchConfig(false, List.of(1, 4, 8, 16, 32), 500, 8, 20_000, 250, 250, 30, 30, 5,
        1_000_000, 1_000, 5, 200_000, 20_000, List.of(1, 4), 8, 100, 15_000, 2_500,
        List.of(1, 8, 32), 20_000, 3_000);
  }

  static BenchConfig quickRun() {
    return new BenchConfig(true, List.of(2), 50, 1, 1_500, 100, 250, 1, 10, 2,
        10_000, 1_000, 1, 5_000, 1_000, List.of(2), 1, 50, 1_500, 500,
        List.of(2), 1_000, 300);
  }
}
