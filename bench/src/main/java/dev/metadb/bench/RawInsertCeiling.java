package dev.metadb.bench;

import dev.metadb.event.Envelope;
import dev.metadb.event.Timestamps;
import dev.metadb.store.MetaDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The ceiling the ingester is measured against: the same rows ({@link EventMix#envelope}) inserted
 * through sqlite-jdbc as fast as it goes: one connection, a prepared {@code INSERT OR IGNORE} per
 * table, {@code --batch} rows per {@code BEGIN IMMEDIATE} transaction, WAL, synchronous=NORMAL.
 * Events are built in blocks outside the timed section, so the figure is SQLite's alone; nothing
 * is decoded or validated (the ingester's extra work).
 *
 * <p>SAME FILE AS THE INGESTER'S. The database is created by {@link MetaDatabase#open}, as the
 * ingester creates meta.db (same tables, indexes, {@code auto_vacuum=INCREMENTAL}, WAL), then
 * closed and reopened as a plain sqlite-jdbc connection. Until 2026-12-03 the ceiling created its
 * own file without auto_vacuum, so each of its commits wrote no pointer-map pages while the
 * ingester's did: the ceiling did less work per row than the side measured against it.
 *
 * <p>Usage: {@code --db FILE --count N --batch B --report FILE}.
 */
public final class RawInsertCeiling {
  private static final int BLOCK = 10_000;

  private RawInsertCeiling() {}

  public static void main(String[] argv) throws Exception {
    MainArgs args = MainArgs.parse(argv);
    long count = args.number("count", 1_000_000);
    int batch = (int) args.number("batch", 1_000);
    long pid = ProcessHandle.current().pid();
    long nanos = 0;
    long cpuNanos = 0;
    try (MetaDatabase created = MetaDatabase.open(args.path("db"))) {
      created.schemaVersion();
    }
    try (Connection c = SeedDatabase.openForWriting(args.path("db"));
        RowInserter inserter = new RowInserter(c, true);
        Statement tx = c.createStatement()) {
      List<Envelope> block = new ArrayList<>(BLOCK);
      for (long from = 0; from < count; from += BLOCK) {
        block.clear();
        for (long n = from; n < Math.min(count, from + BLOCK); n++) {
          block.add(EventMix.envelope(n, pid));
        }
        long start = System.nanoTime();
        long cpuStart = ThroughputReport.processCpuNanos();
        Instant now = Timestamps.now();
        for (int i = 0; i < block.size(); i += batch) {
          tx.execute("BEGIN IMMEDIATE");
          for (Envelope e : block.subList(i, Math.min(block.size(), i + batch))) {
            inserter.insert(e, now, true);
          }
          inserter.flush();
          tx.execute("COMMIT");
        }
        nanos += System.nanoTime() - start;
        cpuNanos += ThroughputReport.processCpuNanos() - cpuStart;
      }
    }
    new ThroughputReport(count, nanos, cpuNanos).write(args.path("report"));
    System.exit(0);
  }
}
