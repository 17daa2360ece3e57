package dev.metadb.ingester;

import dev.metadb.writer.Home;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * An ingester process for tests: {@code IngesterChild HOME [BATCH_SIZE [MAX_LATENCY_MS
 * [TABLE=GLOB...]]]} runs until killed (tailing those trails too), printing {@code running PID}
 * on stderr once it holds the lock and has opened meta.db, and every log line after that.
 */
public final class IngesterChild {
  public static void main(String[] args) throws Exception {
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    long latency = args.length > 2 ? Long.parseLong(args[2]) : 20;
    List<Trail> trails = Arrays.stream(args).skip(3).map(Trail::parse).toList();
    IngestOptions options = new IngestOptions(batch, Duration.ofMillis(latency), 7, false).withTrails(trails);
    try (Ingester ingester = Ingester.open(new Home(Path.of(args[0])), options, line -> {
      System.err.println(line);
      System.err.flush();
    })) {
      System.err.println("running " + ProcessHandle.current().pid());
      System.err.flush();
      ingester.run();
    }
  }
}
