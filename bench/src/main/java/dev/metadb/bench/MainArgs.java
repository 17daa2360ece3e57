package dev.metadb.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code --name value} arguments of the benchmark's child-JVM mains. These mains are started
 * only by the harness, so a bad argument is a harness bug: it fails loudly with the name.
 */
record MainArgs(Map<String, String> values) {
  static MainArgs parse(String[] args) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
      }
      values.put(args[i].substring(2), args[i + 1]);
    }
    return new MainArgs(values);
  }

  String string(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return value;
  }

  String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  long number(String name, long fallback) {
    String value = values.get(name);
    return value == null ? fallback : Long.parseLong(value);
  }

  Path path(String name) {
    return Path.of(string(name));
  }
}
