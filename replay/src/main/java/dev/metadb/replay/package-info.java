/**
 * {@code metadb replay}: drains the error spool (and one-shot trails) into meta.db, idempotent and
 * crash-safe through the shared ledger ({@code ingester.lines}), one replay per home at a time.
 *
 * <p>Depends on writer, store and {@code ingester.lines}; must never depend on query or command.
 */
package dev.metadb.replay;
