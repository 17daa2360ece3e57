package dev.metadb.ingester;

import java.util.List;

/**
 * An ingester's {@link Ingester#run} loop on its own thread, for tests that act while it runs.
 * A failure of the loop is added to the test's log as {@code run failed: ...}; closing stops the
 * loop (it commits its batch) and waits for it.
 */
final class RunningIngester implements AutoCloseable {
  private final Ingester ingester;
  private final Thread loop;

  RunningIngester(Ingester ingester, List<String> log) {
    this.ingester = ingester;
    this.loop = new Thread(() -> {
      try {
        ingester.run();
      } catch (Exception e) {
        log.add("run failed: " + e);
      }
    }, "test-ingest-loop");
    loop.start();
  }

  @Override
  public void close() throws InterruptedException {
    ingester.stop();
    loop.join();
  }
}
