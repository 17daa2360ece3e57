package dev.metadb.replay;

import dev.metadb.ingester.IngestOptions;
import dev.metadb.ingester.IngestStats;
import dev.metadb.ingester.Ingester;
import dev.metadb.writer.Home;
import java.nio.file.Path;

/**
 * The real ingester in its own JVM: {@code StdinIngesterChild HOME [BATCH_SIZE]}. Runs until its
 * standard input closes, then prints {@code stats <inserted> <spooled> <retries>}. Its log lines go to stderr.
 */
public final class StdinIngesterChild {
  private StdinIngesterChild() {}

  public static void main(String[] args) throws Exception {
    IngestOptions options = IngestOptions.DEFAULTS;
    if (args.length > 1) {
      options = new IngestOptions(Integer.parseInt(args[1]), options.maxLatency(), options.retainDays(), options.skipMissing());
    }
    try (Ingester ingester = Ingester.open(new Home(Path.of(args[0])), options, System.err::println)) {
      Thread stopper = new Thread(() -> {
        try {
          while (System.in.read() >= 0) {
            // wait for the parent to close our stdin
          }
        } catch (java.io.IOException e) {
          // stdin gone: the parent is gone too, stop
        }
        ingester.stop();
      });
      stopper.setDaemon(true);
      stopper.start();
      System.out.println("started");
      System.out.flush();
      ingester.run();
      IngestStats stats = ingester.stats();
      System.out.println("stats " + stats.inserted() + " " + stats.spooled() + " " + stats.retries());
      System.out.flush();
    }
  }
}
