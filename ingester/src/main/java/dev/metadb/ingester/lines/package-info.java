/**
 * JSON-line files taken exactly once, shared by replay (the spool, trails) and the ingester (the
 * inbox, trails): file identity, complete-line reading, the ledger row that commits a file's
 * offset with its rows, the line formats, and quarantine of lines that cannot be applied.
 *
 * <p>Depends on writer and the event model only; the ledger's SQL runs on a connection the
 * caller owns. Must never depend on the ingest loop.
 */
package dev.metadb.ingester.lines;
