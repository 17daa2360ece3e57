package dev.metadb.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Just enough of systemd's unit-file syntax to read the shipped unit: sections, repeated keys, %h. */
final class SystemdUnit {
  private SystemdUnit() {}

  static Map<String, Map<String, List<String>>> parse(Path file) throws IOException {
    Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
    Map<String, List<String>> current = null;
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current = new LinkedHashMap<>();
        sections.put(line.substring(1, line.length() - 1), current);
        continue;
      }
      int eq = line.indexOf('=');
      if (current == null || eq <= 0) {
        throw new IllegalArgumentException("not a key=value line inside a section: " + raw);
      }
      current.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
    }
    return sections;
  }

  /** {@code %h} is the user's home; {@code %%} a percent sign. Other specifiers are not used. */
  static String expand(String value, Path home) {
    if (value.replace("%%", "").replace("%h", "").contains("%")) {
      throw new IllegalArgumentException("unexpected specifier in " + value);
    }
    return value.replace("%h", home.toString()).replace("%%", "%");
  }
}
