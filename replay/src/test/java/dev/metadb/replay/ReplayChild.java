package dev.metadb.replay;

import dev.metadb.writer.Home;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A replay in its own JVM, for kill -9 tests: {@code ReplayChild HOME BATCH_LINES}. Prints
 * {@code progress <bytes>} after every committed batch and {@code done <inserted> <quarantined>}
 * at the end, flushed, so the parent can pick its moment to kill.
 */
public final class ReplayChild {
  private ReplayChild() {}

  public static void main(String[] args) throws Exception {
    Home home = new Home(Path.of(args[0]));
    int batchLines = Integer.parseInt(args[1]);
    ReplayProgress progress = new ReplayProgress() {
      private long done;

      @Override
      public void start(long totalBytes) {}

      @Override
      public void advance(long bytes) {
        done += bytes;
        System.out.println("progress " + done);
        System.out.flush();
      }

      @Override
      public void finish() {}
    };
    ReplayRequest request = ReplayRequest.of(home, ReplayTest.spools(SpoolFiles.inHome(home)), false)
        .withBatchLines(batchLines)
        .withSettle(Duration.ZERO);
    ReplaySummary summary = Replay.run(request, progress, line -> System.err.println(line));
    System.out.println("done " + summary.inserted() + " " + summary.quarantined() + " " + summary.failure());
    System.out.flush();
  }
}
