package dev.metadb.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * Valid envelopes for any table, every column filled (text {@code "<column>-<n>"}, JSON
 * {@code {"n":n}}, integer n, boolean n odd, the table's first enum value, a timestamp), built
 * through the validator like any decoded event.
 */
public final class SampleEvents {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SampleEvents() {}

  public static Envelope sample(Table table, long n) {
    ObjectNode data = JSON.createObjectNode();
    for (Column column : table.columns()) {
      switch (column.type()) {
        case TEXT -> data.put(column.name(), column.name() + "-" + n);
        case JSON -> data.put(column.name(), "{\"n\":" + n + "}");
        case INTEGER -> data.put(column.name(), n);
        case BOOLEAN -> data.put(column.name(), n % 2 == 1);
        case TIMESTAMP -> data.put(column.name(), "2026-11-25T02:44:00.123456Z");
        case ENUM -> data.put(column.name(), column.allowed().get(0));
      }
    }
    try {
      return new Envelope(
          EventIds.next(), Timestamps.now(), "test-host", 4242L, EventValidator.fromJson(table, data));
    } catch (InvalidEventException e) {
      throw new AssertionError("sample event rejected: " + e.getMessage(), e);
    }
  }

  /** The n-th sample of a table chosen round-robin over all 16. */
  public static Envelope mixed(long n) {
    Table[] tables = Table.values();
    return sample(tables[(int) (n % tables.length)], n);
  }

  public static Instant someTime() {
    return Instant.parse("2026-11-25T03:00:00.000001Z");
  }
}
