/**
 * The event model: the 16 tables as records under the sealed {@link dev.metadb.event.Event}, the
 * {@link dev.metadb.event.Table} that derives columns, DDL, validation and Arrow types from them,
 * the {@link dev.metadb.event.Envelope} and its one JSON codec, UUIDv7 ids and the timestamp range.
 *
 * <p>Pure values and functions: no files, no threads, no database. It must never depend on any
 * other metadb package except {@code writer.KnownFailure} (so a bad event maps to exit 2).
 */
package dev.metadb.event;
