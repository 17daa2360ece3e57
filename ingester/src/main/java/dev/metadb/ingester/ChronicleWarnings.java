package dev.metadb.ingester;

import java.util.function.Consumer;
import net.openhft.chronicle.core.Jvm;

/**
 * Chronicle's warnings in the ingester's log: one line each, the exception and its causes named,
 * no stack trace.
 *
 * <p>Chronicle warns, with a stack trace, about things the ingester meets in normal operation of
 * a damaged or changing home: a slot directory removed or replaced by a file while its queue
 * opens ("Failback to readonly tablestore"). Chronicle goes on in each case, and so does the
 * ingester; an operator needs one line saying what happened, and a stack trace in the log reads
 * like a crash. The handler is the JVM's (Chronicle has one per JVM): the ingester installs it
 * because it owns its process; the writer library never does, since it runs inside other
 * people's processes.
 */
final class ChronicleWarnings {
  private ChronicleWarnings() {}

  /** Sends Chronicle's warnings to {@code log}. */
  static void sendTo(Consumer<String> log) {
    Jvm.setWarnExceptionHandler((logger, message, thrown) -> log.accept(line(message, thrown)));
  }

  static String line(String message, Throwable thrown) {
    StringBuilder line = new StringBuilder("chronicle: ").append(message);
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      line.append(t == thrown ? ": " : "; caused by ").append(t);
    }
    return line.toString();
  }
}
