/**
 * Recording: {@link dev.metadb.writer.MetaDb} appends to this process's own Chronicle writer slot,
 * {@link dev.metadb.writer.Inbox} appends JSON lines for every other process, and
 * {@link dev.metadb.writer.ErrorSpool} takes what neither can. {@link dev.metadb.writer.Home} names
 * every file of a home; {@link dev.metadb.writer.PrivateFiles} creates them owner-only without
 * following links.
 *
 * <p>The hot path never touches SQLite and never waits on another process's lock. It must never
 * depend on store, ingester, replay, query or command (they all depend on it).
 */
package dev.metadb.writer;
