package dev.metadb.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The results file: {@code <faults.results>/results.jsonl}, one {@link ResultRow} per line,
 * appended by each test before it asserts (so a failing test's figures are kept too). Rows of
 * earlier runs stay; {@link #RUN} tells this JVM's rows apart.
 */
final class Results {
  static final ObjectMapper JSON = new ObjectMapper();
  /** This test JVM's run id. */
  static final String RUN = Instant.now().toString();

  private Results() {}

  static Path dir() {
    return Path.of(System.getProperty("faults.results", "target/reliability")).toAbsolutePath();
  }

  static Path file() {
    return dir().resolve("results.jsonl");
  }

  static synchronized void append(ResultRow row) throws IOException {
    Files.createDirectories(dir());
    Files.writeString(file(), JSON.writeValueAsString(row) + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    System.out.println("[faults] result: " + JSON.writeValueAsString(row));
  }

  /** Every row in {@code file}, oldest first; lines that do not parse are skipped. */
  static List<ResultRow> read(Path file) throws IOException {
    List<ResultRow> rows = new ArrayList<>();
    if (!Files.exists(file)) {
      return rows;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      try {
        rows.add(JSON.readValue(line, ResultRow.class));
      } catch (IOException e) {
        System.out.println("[faults] skipping a results line that does not parse: " + e.getMessage());
      }
    }
    return rows;
  }
}
