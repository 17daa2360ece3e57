package dev.metadb.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Reads {@code logs/quarantine/*.rejects.jsonl} back: every entry, and the entries counted by
 * the kind of reason (the reason with its numbers and quoted parts blanked, so "invalid UTF-8 at
 * byte 17" and "... at byte 3" count together).
 */
final class QuarantineReasons {
  private QuarantineReasons() {}

  /** One quarantine entry: which source line, and why. */
  record Entry(String source, long line, long offset, String reason) {}

  static List<Entry> entries(Home home) throws IOException {
    List<Entry> entries = new ArrayList<>();
    Path dir = home.quarantineDir();
    if (!Files.isDirectory(dir)) {
      return entries;
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".rejects.jsonl")).sorted().toList();
    }
    for (Path file : files) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        JsonNode entry = Results.JSON.readTree(line);
        entries.add(new Entry(entry.path("source").asText(), entry.path("line").asLong(), entry.path("offset").asLong(), entry.path("reason").asText()));
      }
    }
    return entries;
  }

  static Map<String, Long> byKind(Home home) throws IOException {
    Map<String, Long> kinds = new TreeMap<>();
    for (Entry e : entries(home)) {
      kinds.merge(kind(e.reason()), 1L, Long::sum);
    }
    return kinds;
  }

  /** The kind of a quarantine reason, for counting: the specifics (table, field, byte) left out. */
  static String kind(String reason) {
    String r = reason.startsWith("incomplete last line") ? reason.substring(reason.indexOf(':') + 1).trim() : reason;
    String kind;
    if (r.startsWith("invalid UTF-8")) {
      kind = "invalid UTF-8";
    } else if (r.contains("-byte limit") && r.startsWith("line of")) {
      kind = "line over the length limit";
    } else if (r.startsWith("not valid JSON") || r.contains("has text after the JSON value")) {
      kind = "line is not valid JSON";
    } else if (r.contains("unknown table")) {
      kind = "unknown table";
    } else if (r.contains("unknown envelope field")) {
      kind = "unknown envelope field";
    } else if (r.contains("unknown field")) {
      kind = "unknown column";
    } else if (r.contains("required field is missing") || r.contains("missing")) {
      kind = "required field missing";
    } else if (r.contains("is not valid JSON") || r.contains("is empty, expected JSON")) {
      kind = "a *_json value is not valid JSON";
    } else if (r.contains("is not one of")) {
      kind = "enum value not allowed";
    } else if (r.contains("expected")) {
      kind = "wrong type or unparsable value";
    } else if (r.contains("over the")) {
      kind = "value over the size limit";
    } else if (r.startsWith("spooled undecodable")) {
      kind = "queue entry that never decoded";
    } else {
      kind = r.replaceAll("'[^']*'", "'…'").replaceAll("[0-9]+", "N");
      kind = kind.length() > 60 ? kind.substring(0, 57) + "..." : kind;
    }
    return reason.startsWith("incomplete last line") ? "incomplete last line: " + kind : kind;
  }
}
