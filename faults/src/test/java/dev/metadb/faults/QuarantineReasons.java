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

  /** The reason with specifics blanked: quoted text, numbers, and anything after a colon in a parser message. */
  static String kind(String reason) {
    String k = reason.replaceAll("'[^']*'", "'…'").replaceAll("[0-9]+", "N");
    int detail = k.indexOf(": Unexpected");
    if (detail < 0) {
      detail = k.indexOf(": Unrecognized");
    }
    if (detail < 0) {
      detail = k.indexOf(": Illegal");
    }
    k = detail >= 0 ? k.substring(0, detail) : k;
    return k.length() > 90 ? k.substring(0, 87) + "..." : k;
  }
}
