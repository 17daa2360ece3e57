package dev.metadb.bench;

import dev.metadb.query.QueryEngine;
import dev.metadb.query.ResultFormat;
import dev.metadb.query.TimeWindow;
import dev.metadb.writer.Home;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The metadb topology's reader: {@code metadb query}'s in-process API ({@link QueryEngine}, the
 * default incremental Arrow snapshots under {@code <home>/snapshots}, SQL in DuckDB). Each query
 * reads meta.db read-only, extends the snapshots of the tables it names, and writes its whole
 * result as CSV to nowhere, so the time covers snapshot, SQL and result formatting.
 */
final class MetaDbReadPath implements ReadPath {
  private final QueryEngine engine;

  private MetaDbReadPath(QueryEngine engine) {
    this.engine = engine;
  }

  static MetaDbReadPath open(Path home) throws Exception {
    return new MetaDbReadPath(QueryEngine.open(new Home(home), QueryEngine.SnapshotMode.INCREMENTAL,
        line -> System.err.println("metadb query: " + line)));
  }

  @Override
  public long run(String sql) throws Exception {
    return engine.query(sql, TimeWindow.ALL, ResultFormat.CSV, OutputStream.nullOutputStream());
  }

  @Override
  public void close() throws Exception {
    engine.close();
  }
}
