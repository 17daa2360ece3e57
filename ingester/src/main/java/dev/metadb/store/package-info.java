/**
 * meta.db: opening it (WAL, busy timeout, read-only opens), the version gate and migrations, the
 * one insert path ({@link dev.metadb.store.EventInserter}, which also answers "already stored?"),
 * write transactions, and {@link dev.metadb.store.SqliteFailure}, the one reader of SQLite's
 * result codes.
 *
 * <p>Every stage that reads or writes meta.db goes through here. It depends only on the event
 * model and must never depend on ingester, replay, query or command.
 */
package dev.metadb.store;
