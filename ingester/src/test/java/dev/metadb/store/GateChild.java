package dev.metadb.store;

import dev.metadb.writer.Child;
import java.nio.file.Path;

/**
 * Child process for the migration race: opens meta.db for writing, reports progress lines on
 * stderr as they happen and the gate's outcome on stdout ({@code outcome <action> <found>}).
 */
public final class GateChild {
  public static void main(String[] args) throws Exception {
    try (MetaDatabase db = MetaDatabase.open(Path.of(args[0]), line -> {
      System.err.println(line);
      System.err.flush();
    })) {
      System.out.println("outcome " + db.gateOutcome().action() + " " + db.gateOutcome().found());
    }
  }
}
