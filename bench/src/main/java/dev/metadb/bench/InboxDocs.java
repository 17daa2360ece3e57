package dev.metadb.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The inbox writer functions exactly as docs/inbox.md publishes them: each is the first fenced
 * code block after a {@code <!-- docs-test: NAME -->} marker. The benchmark's non-JVM writers, the
 * docs tests and the faults module's inbox kill test all run these, so the documentation cannot
 * drift from what is measured and tested.
 */
public final class InboxDocs {
  public static final String BASH = "bash";
  public static final String PYTHON = "python";

  private InboxDocs() {}

  /** docs/inbox.md under {@code repoRoot}. */
  public static Path file(Path repoRoot) {
    return repoRoot.resolve("docs/inbox.md");
  }

  /** The code of the block marked {@code name} (without its fences), or an error naming what is missing. */
  public static String block(Path markdown, String name) throws IOException {
    String text = Files.readString(markdown);
    String marker = "<!-- docs-test: " + name + " -->";
    int at = text.indexOf(marker);
    if (at < 0) {
      throw new IOException(markdown + ": no " + marker);
    }
    int open = text.indexOf("```", at);
    int start = text.indexOf('\n', open) + 1;
    int close = text.indexOf("\n```", start);
    if (open < 0 || start <= 0 || close < 0) {
      throw new IOException(markdown + ": no fenced code block after " + marker);
    }
    return text.substring(start, close + 1);
  }
}
