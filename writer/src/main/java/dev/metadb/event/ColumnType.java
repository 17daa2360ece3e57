package dev.metadb.event;

/**
 * The closed set of column types. Each maps to one Java type in a record, one JSON shape in
 * the envelope, one SQLite storage class and one Arrow type; those mappings live with the stage
 * that needs them, this enum only names the cases.
 */
public enum ColumnType {
  /** Java String, JSON string, SQLite TEXT. */
  TEXT,
  /** Java String holding JSON text; in the envelope a JSON string whose content parses as JSON. */
  JSON,
  /** Java Long, JSON integral number, SQLite INTEGER (64-bit). */
  INTEGER,
  /** Java Boolean, JSON true/false, SQLite INTEGER 0/1. */
  BOOLEAN,
  /** Java Instant (microsecond precision), ISO-8601 UTC text {@code 2026-11-25T02:44:00.123456Z}. */
  TIMESTAMP,
  /** One of an {@link EnumValue} enum's constants, stored as its lowercase text. */
  ENUM
}
