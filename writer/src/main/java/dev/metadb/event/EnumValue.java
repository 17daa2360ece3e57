package dev.metadb.event;

/** An enum whose constants are stored as the lowercase text {@link #wire()} (e.g. {@code inbound}). */
public interface EnumValue {
  /** The text stored in the envelope and in SQLite. */
  String wire();
}
