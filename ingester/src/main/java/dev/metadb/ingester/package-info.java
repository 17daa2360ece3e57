/**
 * The ingest loop: {@link dev.metadb.ingester.Ingester} tails every source (writer slots, inbox
 * files, trails), commits rows and checkpoints in one transaction, and leaves discovery,
 * retention and WAL checkpoints to their own classes. Also {@code status} and {@code verify}'s
 * checks of the queue and meta.db.
 *
 * <p>Depends on writer (the home's layout) and store; must never depend on replay, query or command.
 */
package dev.metadb.ingester;
