package dev.metadb.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metadb.event.Column;
import dev.metadb.event.ColumnType;
import dev.metadb.event.EventValidator;
import dev.metadb.event.Table;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Hostile input for {@code metadb record}, each case with what record must do with it.
 *
 * <pre>
 *   kind             input                                              record must
 *   VALID            a random valid event                               exit 0, print its id
 *   AT_LIMIT         one value of exactly MAX_VALUE_BYTES               exit 0, print its id
 *   WRONG_TYPE       one column given a value of another JSON type      exit 2, name table.column
 *   BAD_VALUE        enum not allowed, timestamp unparsable, integer    exit 2, name table.column
 *                    beyond 64 bits, *_json text that is not JSON
 *   UNKNOWN_FIELD    a column the table does not have                   exit 2, name table and field
 *   MISSING          a required column left out                         exit 2, name table.column
 *   OVER_LIMIT       one value of MAX_VALUE_BYTES + 1                   exit 2, name table.column and the limit
 *   NOT_AN_OBJECT    an array, number, string or null                   exit 2, name the table
 *   DEEP_NESTING     a *_json object nested 5000 deep                   exit 2, say it is not valid JSON
 *   RANDOM_BYTES     random bytes (no line breaks)                      exit 2, say it is not valid JSON
 *   UNKNOWN_TABLE    a random table name                                exit 2, say "unknown table"
 *   LONE_SURROGATE   a text value with an unpaired UTF-16 surrogate     exit 0 (and land) or exit 2 naming the column; never 1
 *   INVALID_UTF8     (stdin only) a valid line with a byte that is      refused naming the table, or recorded; never a crash
 *                    not UTF-8 inside a text value
 * </pre>
 *
 * Every case is one JSON document (or junk) as bytes; {@link #text()} is the same as a Java
 * string for {@code --json} in argv.
 */
record HostileInput(Kind kind, String table, byte[] bytes, List<String> mustMention) {
  enum Kind {
    VALID, AT_LIMIT, WRONG_TYPE, BAD_VALUE, UNKNOWN_FIELD, MISSING, OVER_LIMIT, NOT_AN_OBJECT, DEEP_NESTING, RANDOM_BYTES,
    UNKNOWN_TABLE, LONE_SURROGATE, INVALID_UTF8
  }

  /** Must this input be recorded (exit 0, an id)? */
  boolean mustAccept() {
    return kind == Kind.VALID || kind == Kind.AT_LIMIT;
  }

  /** May it be recorded? (Only a lone surrogate may go either way.) */
  boolean mayAccept() {
    return mustAccept() || kind == Kind.LONE_SURROGATE || kind == Kind.INVALID_UTF8;
  }

  String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * A random case for a random table, or for {@code fixed} (then never UNKNOWN_TABLE); {@code big}
   * allows the 1 MiB cases (slow in bulk).
   */
  static HostileInput random(Random r, String tag, long seq, boolean big, Table fixed) {
    Kind[] kinds = Kind.values();
    Kind kind;
    do {
      kind = kinds[r.nextInt(kinds.length)];
    } while (kind == Kind.INVALID_UTF8
        || (!big && (kind == Kind.AT_LIMIT || kind == Kind.OVER_LIMIT || kind == Kind.DEEP_NESTING))
        || (fixed != null && kind == Kind.UNKNOWN_TABLE));
    return of(kind, r, tag, seq, fixed != null ? fixed : Table.values()[r.nextInt(Table.values().length)]);
  }

  static HostileInput of(Kind kind, Random r, String tag, long seq, Table table) {
    String t = table.sqlName();
    ObjectNode data = EventFactory.data(table, tag, seq, r);
    switch (kind) {
      case VALID -> {
        return json(kind, t, data);
      }
      case AT_LIMIT, OVER_LIMIT -> {
        Column c = column(table, r, ColumnType.TEXT);
        if (c == null) {
          return of(Kind.VALID, r, tag, seq, table);
        }
        int size = EventValidator.MAX_VALUE_BYTES + (kind == Kind.OVER_LIMIT ? 1 : 0);
        String marker = c == EventFactory.markerColumn(table) ? "fw:" + tag + ":" + seq + " " : "";
        data.put(c.name(), marker + "x".repeat(size - marker.length()));
        return json(kind, t, data, t + "." + c.name(), kind == Kind.OVER_LIMIT ? "limit" : t);
      }
      case WRONG_TYPE -> {
        Column c = table.columns().get(r.nextInt(table.columns().size()));
        switch (c.type()) {
          case TEXT, ENUM, TIMESTAMP -> data.put(c.name(), r.nextBoolean() ? 42 : 1.5);
          case JSON -> data.put(c.name(), r.nextBoolean());
          case INTEGER -> data.put(c.name(), r.nextBoolean() ? "42" : "forty-two");
          case BOOLEAN -> data.put(c.name(), r.nextBoolean() ? "true" : "1");
        }
        return json(kind, t, data, t + "." + c.name());
      }
      case BAD_VALUE -> {
        Column c = table.columns().get(r.nextInt(table.columns().size()));
        switch (c.type()) {
          case ENUM -> data.put(c.name(), "not-" + c.allowed().get(0));
          case TIMESTAMP -> data.put(c.name(), "2026-13-45T99:99:99Z");
          case INTEGER -> data.set(c.name(), EventFactory.JSON.getNodeFactory().numberNode(new java.math.BigInteger("123456789012345678901234567890")));
          case JSON -> data.put(c.name(), "{\"unclosed\": [1, 2");
          default -> {
            return of(Kind.WRONG_TYPE, r, tag, seq, table);
          }
        }
        return json(kind, t, data, t + "." + c.name());
      }
      case UNKNOWN_FIELD -> {
        String field = "no_such_" + Long.toHexString(r.nextLong());
        data.put(field, 1);
        return json(kind, t, data, t, field);
      }
      case MISSING -> {
        Column c = table.columns().stream().filter(Column::required).findFirst().orElse(null);
        if (c == null) {
          return of(Kind.UNKNOWN_FIELD, r, tag, seq, table);
        }
        data.remove(c.name());
        return json(kind, t, data, t + "." + c.name(), "missing");
      }
      case NOT_AN_OBJECT -> {
        String[] junk = {"[]", "[{\"source\":\"x\"}]", "42", "\"a string\"", "null", "true"};
        return new HostileInput(kind, t, junk[r.nextInt(junk.length)].getBytes(StandardCharsets.UTF_8), List.of(t));
      }
      case DEEP_NESTING -> {
        Column c = column(table, r, ColumnType.JSON);
        if (c == null) {
          return of(Kind.RANDOM_BYTES, r, tag, seq, table);
        }
        String deep = "[".repeat(5000) + "]".repeat(5000);
        // Splice the raw nested array in as the column's JSON value.
        data.put(c.name(), "PLACEHOLDER");
        String text = data.toString().replace("\"PLACEHOLDER\"", deep);
        return new HostileInput(kind, t, text.getBytes(StandardCharsets.UTF_8), List.of(t, "JSON"));
      }
      case RANDOM_BYTES -> {
        return new HostileInput(kind, t, randomLine(r, 1 + r.nextInt(300)), List.of(t));
      }
      case UNKNOWN_TABLE -> {
        String name = "table_" + Long.toHexString(r.nextLong());
        return new HostileInput(kind, name, data.toString().getBytes(StandardCharsets.UTF_8), List.of("unknown table"));
      }
      case LONE_SURROGATE -> {
        Column c = EventFactory.markerColumn(table);
        if (c.type() != ColumnType.TEXT) {
          return of(Kind.VALID, r, tag, seq, table);
        }
        data.put(c.name(), "fw:" + tag + ":" + seq + " LONE_SURROGATE lone");
        String text = data.toString().replace("LONE_SURROGATE", "\\ud800");
        return new HostileInput(kind, t, text.getBytes(StandardCharsets.UTF_8), List.of(t + "." + c.name()));
      }
      case INVALID_UTF8 -> {
        HostileInput valid = of(Kind.VALID, r, tag, seq, table);
        byte[] b = valid.bytes();
        int cut = valid.text().indexOf(' ', valid.text().indexOf("fw:")) + 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b, 0, cut);
        out.write(0xFF);
        out.write(b, cut, b.length - cut);
        return new HostileInput(kind, t, out.toByteArray(), List.of(t));
      }
    }
    throw new AssertionError(kind);
  }

  /** Random bytes for one stdin line: no line breaks, not only whitespace. */
  static byte[] randomLine(Random r, int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(length);
    while (out.size() < length) {
      int b = r.nextInt(256);
      if (b != '\n' && b != '\r') {
        out.write(b);
      }
    }
    out.write('#'); // never blank
    return out.toByteArray();
  }

  private static Column column(Table table, Random r, ColumnType type) {
    List<Column> of = table.columns().stream().filter(c -> c.type() == type).toList();
    return of.isEmpty() ? null : of.get(r.nextInt(of.size()));
  }

  private static HostileInput json(Kind kind, String table, ObjectNode data, String... mention) {
    return new HostileInput(kind, table, data.toString().getBytes(StandardCharsets.UTF_8), mention.length == 0 ? List.of() : List.of(mention));
  }
}
