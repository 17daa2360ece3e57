package dev.metadb.writer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Reads a child process's output stream line by line on a daemon thread, as it comes, so a chatty
 * child never blocks on a full pipe (reading stdout to its end, then stderr, deadlocks when the
 * child fills the other pipe first). The one pump of the tests' child processes.
 */
public final class LinePump {
  private LinePump() {}

  /**
   * Starts pumping {@code stream}: each line goes to {@code onLine} and, when {@code copy} is not
   * null, to that file. Ends when the child closes the stream (or dies); what it printed is kept.
   */
  public static Thread start(InputStream stream, Path copy, Consumer<String> onLine) {
    Thread t = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
          Writer copyTo = copy == null ? Writer.nullWriter() : Files.newBufferedWriter(copy, StandardCharsets.UTF_8)) {
        for (String line; (line = reader.readLine()) != null; ) {
          copyTo.write(line);
          copyTo.write('\n');
          onLine.accept(line);
        }
      } catch (IOException e) {
        // The child is gone; what it printed so far is kept.
      }
    }, "child-output");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
