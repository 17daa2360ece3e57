package dev.metadb.event;

import dev.metadb.writer.KnownFailure;

/**
 * An event that metadb refuses: unknown table, missing or unknown field, wrong type, enum value
 * out of range, invalid JSON text, or a value over the size limit. The message always names the
 * table and, where there is one, the field, so the caller can fix the input.
 */
public final class InvalidEventException extends Exception implements KnownFailure {
  private final String table;
  private final String field;

  public InvalidEventException(String table, String field, String problem) {
    super(describe(table, field, problem));
    this.table = table;
    this.field = field;
  }

  @Override
  public Kind failureKind() {
    return Kind.INPUT;
  }

  /** The table named by the input, or null if it named none. */
  public String table() {
    return table;
  }

  /** The offending field, or null when the problem is not one field's. */
  public String field() {
    return field;
  }

  private static String describe(String table, String field, String problem) {
    StringBuilder s = new StringBuilder();
    if (table != null) {
      s.append(table);
      if (field != null) {
        s.append('.').append(field);
      }
      s.append(": ");
    } else if (field != null) {
      s.append(field).append(": ");
    }
    return s.append(problem).toString();
  }
}
