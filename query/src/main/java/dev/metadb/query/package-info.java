/**
 * The read side: snapshots of meta.db's tables as Arrow files, SQL over them in a locked-down
 * DuckDB, exports (CSV, JSON, Parquet lake), {@code tail}, and queries of a fleet's lake.
 *
 * <p>Reads meta.db only through {@code store.MetaDatabase}'s read-only opener and never writes
 * it, except the lake's export watermark. Must never depend on replay or command.
 */
package dev.metadb.query;
