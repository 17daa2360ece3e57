package dev.metadb.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether standard error is a terminal, so that a progress bar cannot end up in a log file.
 * Java 17 has no isatty: on Linux, where file descriptor 2 points tells ({@code /dev/pts/N},
 * {@code /dev/ttyN}); elsewhere {@link System#console()} (stdin and stdout both terminals) is the
 * nearest answer.
 */
final class StderrTerminal {
  private StderrTerminal() {}

  static boolean isTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }
}
