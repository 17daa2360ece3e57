package dev.metadb.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metadb.event.Column;
import dev.metadb.event.ColumnType;
import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import java.time.Instant;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Random valid events for any of the 16 tables, each carrying a MARKER that names the writer and
 * the event's sequence number, so a row in meta.db can be traced to the record call that made it.
 *
 * <p>MARKER RULE. The marker column of a table is its first TEXT or JSON column (every table has
 * one). A TEXT marker column holds {@code fw:<tag>:<seq>} followed by random text; a JSON one holds
 * {@code {"m":"fw:<tag>:<seq>", ...}}. {@link #parseMarker} reads either back.
 *
 * <p>Every other column gets a random value of its type, null about a third of the time when
 * optional. Strings mix ASCII, quotes, backslashes, control characters and 2-, 3- and 4-byte
 * UTF-8, but stay valid Unicode: this class makes events that must be accepted.
 */
final class EventFactory {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MARKER = Pattern.compile("fw:([A-Za-z0-9_-]+):([0-9]+)");
  private static final String[] PIECES = {
    "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u0001", "\u007f", "é", "ß", "€", "中", "\uD83D\uDE00", "{", "}", "[", "'",
  };

  private EventFactory() {}

  /** The column that carries the marker in {@code table}. */
  static Column markerColumn(Table table) {
    for (Column column : table.columns()) {
      if (column.type() == ColumnType.TEXT || column.type() == ColumnType.JSON) {
        return column;
      }
    }
    throw new IllegalStateException(table.sqlName() + " has no text column for a marker");
  }

  /** The {@code data} object of a random valid event of {@code table}, marked {@code tag:seq}. */
  static ObjectNode data(Table table, String tag, long seq, Random random) {
    ObjectNode data = JSON.createObjectNode();
    Column marker = markerColumn(table);
    for (Column column : table.columns()) {
      String name = column.name();
      if (column == marker) {
        String mark = "fw:" + tag + ":" + seq;
        if (column.type() == ColumnType.JSON) {
          ObjectNode json = JSON.createObjectNode().put("m", mark).put("r", text(random, 12));
          data.put(name, json.toString());
        } else {
          data.put(name, mark + " " + text(random, 12));
        }
      } else if (column.required() || random.nextInt(3) > 0) {
        putValue(data, column, random);
      }
    }
    return data;
  }

  private static void putValue(ObjectNode data, Column column, Random random) {
    String name = column.name();
    switch (column.type()) {
      case TEXT -> data.put(name, text(random, 24));
      case JSON -> {
        ArrayNode list = JSON.createArrayNode().add(random.nextLong()).add(random.nextDouble()).add(text(random, 8)).addNull();
        data.put(name, JSON.createObjectNode().put("k", text(random, 6)).set("v", list).toString());
      }
      case INTEGER -> data.put(name, random.nextBoolean() ? random.nextLong() : random.nextInt(10_000));
      case BOOLEAN -> data.put(name, random.nextBoolean());
      case TIMESTAMP -> data.put(name, Timestamps.format(Instant.ofEpochSecond(1_500_000_000L + random.nextInt(500_000_000), random.nextInt(1_000_000) * 1000L)));
      case ENUM -> data.put(name, column.allowed().get(random.nextInt(column.allowed().size())));
    }
  }

  /** Up to {@code maxPieces} random pieces of valid Unicode text. */
  static String text(Random random, int maxPieces) {
    int n = random.nextInt(maxPieces + 1);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return s.toString();
  }

  /** The marker in a marker column's stored text, or null when there is none. */
  static Marker parseMarker(String stored) {
    if (stored == null) {
      return null;
    }
    Matcher m = MARKER.matcher(stored);
    return m.find() ? new Marker(m.group(1), Long.parseLong(m.group(2))) : null;
  }

  /** Which writer made an event, and its sequence number in that writer. */
  record Marker(String tag, long seq) {}
}
