package dev.metadb.bench;

import dev.metadb.event.Table;
import dev.metadb.query.LakeExporter;
import dev.metadb.query.LakeQuery;
import dev.metadb.query.QueryEngine;
import dev.metadb.query.ResultFormat;
import dev.metadb.query.TimeWindow;
import dev.metadb.store.MetaDatabase;
import dev.metadb.store.WriteTransaction;
import dev.metadb.writer.FileTrees;
import dev.metadb.writer.Home;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Issue 17's figures, in this JVM: {@code metadb export --format parquet} of a host's meta.db into
 * a lake against DuckDB's own {@code COPY ... TO (FORMAT parquet)} of the same rows, and a fleet
 * query over 8 hosts' lake against the same query over one host's meta.db.
 *
 * <p>Eight homes hold the same rows (one seeded meta.db copied: the 16-table mix of
 * {@link EventMix}); each is exported into one lake under its own host name. The baseline loads
 * one host's rows from the lake into DuckDB tables (untimed) and times only DuckDB writing them
 * to Parquet, with the same compression: the cost of Parquet itself, without reading SQLite,
 * chunking, renaming or committing watermarks.
 */
final class LakeBench implements Benchmark {
  private static final int HOSTS = 8;
  private static final String FLEET_SQL =
      "SELECT from_agent, count(*) AS n, count(DISTINCT chat_id) AS chats FROM messages GROUP BY from_agent ORDER BY from_agent";

  @Override
  public String name() {
    return "lake";
  }

  @Override
  public List<ResultTable> run(BenchContext ctx) throws Exception {
    int rows = ctx.config().quick() ? 8_000 : 400_000;
    int repeat = ctx.config().quick() ? 2 : 5;
    Path dir = ctx.freshDir("lake");
    try {
      Path lake = dir.resolve("lake");
      List<Home> homes = seed(dir, rows);
      double[] exportMs = new double[HOSTS];
      for (int h = 0; h < HOSTS; h++) {
        long start = System.nanoTime();
        try (LakeExporter exporter = LakeExporter.open(homes.get(h), lake, "host-" + h, LakeExporter.DEFAULT_CHUNK_ROWS, line -> {})) {
          long exported = exporter.export(List.of(Table.values()), () -> false).stream()
              .mapToLong(LakeExporter.TableExport::rows).sum();
          if (exported != rows) {
            throw new IllegalStateException("exported " + exported + " rows of " + rows);
          }
        }
        exportMs[h] = millisSince(start);
      }
      double[] nothingNewMs = new double[repeat];
      for (int i = 0; i < repeat; i++) {
        long start = System.nanoTime();
        try (LakeExporter exporter = LakeExporter.open(homes.get(0), lake, "host-0", LakeExporter.DEFAULT_CHUNK_ROWS, line -> {})) {
          exporter.export(List.of(Table.values()), () -> false);
        }
        nothingNewMs[i] = millisSince(start);
      }
      double[] copyMs = duckDbCopy(lake, dir.resolve("duckdb-copy"), repeat);

      double export = median(exportMs);
      double copy = median(copyMs);
      var exportTable = ResultTable.builder("lake-export", "Export to the Parquet lake vs DuckDB's own COPY TO parquet")
          .description("Issue 17: `metadb export --format parquet` (`LakeExporter`, in-process) of one host's meta.db, "
              + Cells.count(rows) + " rows over the 16 tables, into an empty lake partition: read SQLite, Arrow, DuckDB "
              + "`COPY` per table and date, fsync, rename, watermark commit. One sample per host (" + HOSTS + " homes "
              + "with the same rows). **Baseline:** DuckDB's own `COPY (SELECT * FROM t) TO 'f.parquet' (FORMAT parquet, "
              + "COMPRESSION zstd)` of the same rows already loaded into DuckDB tables (one file per table).")
          .columns("Case", "Samples", "Median ms", "Max ms", "Rows/s", "vs DuckDB COPY")
          .row("metadb export --format parquet (first export)", Integer.toString(HOSTS), Cells.ms(export),
              Cells.ms(max(exportMs)), Cells.rate(rows / (export / 1000)), Cells.ratio(export, copy))
          .row("metadb export, nothing new (a --follow tick)", Integer.toString(repeat), Cells.ms(median(nothingNewMs)),
              Cells.ms(max(nothingNewMs)), "", Cells.ratio(median(nothingNewMs), copy))
          .row("baseline: DuckDB COPY TO parquet, same rows", Integer.toString(repeat), Cells.ms(copy),
              Cells.ms(max(copyMs)), Cells.rate(rows / (copy / 1000)), "1.00x")
          .note("The export includes opening meta.db twice (write for the watermark, read-only for rows), DuckDB's start "
              + "and the per-file fsync and rename; the baseline has its rows in memory already.")
          .build();

      double[] lakeMs = new double[repeat];
      double[] oneHostMs = new double[repeat];
      long lakeRows = -1;
      long hostRows = -1;
      for (int i = 0; i < repeat; i++) {
        long start = System.nanoTime();
        try (LakeQuery query = LakeQuery.open(lake, TimeWindow.ALL)) {
          lakeRows = query.query(FLEET_SQL, ResultFormat.CSV, OutputStream.nullOutputStream());
        }
        lakeMs[i] = millisSince(start);
        start = System.nanoTime();
        try (QueryEngine engine = QueryEngine.open(homes.get(0), QueryEngine.SnapshotMode.INCREMENTAL, line -> {})) {
          hostRows = engine.query(FLEET_SQL, TimeWindow.ALL, ResultFormat.CSV, OutputStream.nullOutputStream());
        }
        oneHostMs[i] = millisSince(start);
      }
      if (lakeRows != hostRows) {
        throw new IllegalStateException("the fleet query gave " + lakeRows + " groups, one host's " + hostRows);
      }
      double fleet = median(Arrays.copyOfRange(lakeMs, 1, repeat));
      double oneHost = median(Arrays.copyOfRange(oneHostMs, 1, repeat));
      var queryTable = ResultTable.builder("lake-query", "Fleet query over 8 hosts' lake vs the same query on one host's meta.db")
          .description("Issue 17: `" + FLEET_SQL + "` through `metadb query --lake` (`LakeQuery`: views over "
              + HOSTS + " hosts' Parquet files, " + HOSTS + "x the rows) and through `metadb query` on one host's meta.db "
              + "(`QueryEngine`, incremental snapshot). Each sample opens a new engine, as a command does; the first "
              + "sample of each (cold caches, the snapshot being built) is left out of the median. **Baseline:** the "
              + "one-host query.")
          .columns("Case", "Rows scanned", "Samples", "Median ms", "Max ms", "vs one host's meta.db")
          .row("metadb query --lake, 8 hosts", Cells.count((long) HOSTS * messages(rows)), Integer.toString(repeat - 1),
              Cells.ms(fleet), Cells.ms(max(lakeMs)), Cells.ratio(fleet, oneHost))
          .row("baseline: metadb query, one host's meta.db", Cells.count(messages(rows)), Integer.toString(repeat - 1),
              Cells.ms(oneHost), Cells.ms(max(oneHostMs)), "1.00x")
          .build();
      return List.of(exportTable, queryTable);
    } finally {
      FileTrees.delete(dir);
    }
  }

  /** Rows of messages among {@code rows} of the 16-table mix. */
  private static long messages(int rows) {
    int tables = Table.values().length;
    return rows / tables + (rows % tables > Table.MESSAGES.ordinal() ? 1 : 0);
  }

  /** {@link #HOSTS} homes with the same {@code rows} rows: one meta.db seeded, then copied. */
  private static List<Home> seed(Path dir, int rows) throws Exception {
    Home first = new Home(dir.resolve("home-0"));
    try (MetaDatabase db = MetaDatabase.open(first.metaDb());
        RowInserter inserter = new RowInserter(db.connection(), false)) {
      Instant now = Instant.now();
      for (int n = 0; n < rows; ) {
        try (WriteTransaction tx = db.begin()) {
          int end = Math.min(rows, n + 10_000);
          for (; n < end; n++) {
            inserter.insert(EventMix.envelope(n, 1), now, true);
          }
          inserter.flush();
          tx.commit();
        }
      }
      db.checkpointWal();
    }
    List<Home> homes = new ArrayList<>(List.of(first));
    for (int h = 1; h < HOSTS; h++) {
      Home home = new Home(dir.resolve("home-" + h));
      Home.createPrivateDirectories(home.dir());
      Files.copy(first.metaDb(), home.metaDb(), StandardCopyOption.REPLACE_EXISTING);
      homes.add(home);
    }
    return homes;
  }

  /** DuckDB writing host-0's rows of every table to Parquet, {@code repeat} times; ms per round. */
  private static double[] duckDbCopy(Path lake, Path out, int repeat) throws Exception {
    Files.createDirectories(out);
    Properties offline = new Properties();
    offline.setProperty("autoinstall_known_extensions", "false");
    offline.setProperty("autoload_known_extensions", "false");
    double[] ms = new double[repeat];
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:", offline); Statement st = duck.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      List<String> loaded = new ArrayList<>();
      for (Table table : Table.values()) {
        Path files = lake.resolve("table=" + table.sqlName());
        if (Files.isDirectory(files)) {
          st.execute("CREATE TABLE " + table.sqlName() + " AS SELECT * FROM read_parquet('" + files
              + "/*/host=host-0/*.parquet')");
          loaded.add(table.sqlName());
        }
      }
      for (int i = 0; i < repeat; i++) {
        long start = System.nanoTime();
        for (String table : loaded) {
          st.execute("COPY (SELECT * FROM " + table + ") TO '" + out.resolve(table + "-" + i + ".parquet")
              + "' (FORMAT parquet, COMPRESSION zstd)");
        }
        ms[i] = millisSince(start);
      }
    }
    return ms;
  }

  private static double millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e6;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }
}
