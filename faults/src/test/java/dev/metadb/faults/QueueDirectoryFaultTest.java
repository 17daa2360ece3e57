package dev.metadb.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Fault class "queue directory": {@code home/queue} removed while writers run, replaced by a
 * regular file, and restored, in a seeded random order.
 *
 * <p>WHAT IS AND IS NOT GUARANTEED. A writer that appends after its slot directory is gone (or
 * is another directory now) must find out and spool the event: it may not be told QUEUED. An
 * entry that was appended while the directory was there, and reported QUEUED, is gone when the
 * directory is deleted before the ingester read it: nothing can bring back what someone deleted,
 * so such events are excused, and counted, in the report. The suite "removes" a directory by
 * moving it aside, so that it can check that each excused event really is in a removed directory
 * (and so that a directory can be restored). A restored directory's entries must land too, once,
 * however often they were also spooled.
 */
@Order(4)
class QueueDirectoryFaultTest {
  @Test
  void removedReplacedByAFileAndRestoredWhileWritersRun() throws Exception {
    String test = "QueueDirectoryFaultTest";
    Seed seed = Seed.of(test, QueueDirectoryFaultTest.class);
    int episodes = Scale.of("queue.episodes", 6, 40);
    long started = System.nanoTime();
    try (Harness h = new Harness(test, seed)) {
      h.startWriters(4);
      h.startIngester();
      h.awaitReady(Duration.ofSeconds(120));
      h.faultActive(true);
      h.ingesterMayExit(true);
      List<Path> restorable = new ArrayList<>();
      Path queue = h.home.queueDir();
      for (int e = 0; e < episodes; e++) {
        h.run(500 + h.random.nextInt(1_500));
        int choice = h.random.nextInt(3);
        if (choice == 2 && !restorable.isEmpty()) {
          Path back = restorable.remove(h.random.nextInt(restorable.size()));
          if (Files.exists(queue)) {
            restorable.add(moveAside(h, queue));
          }
          Files.move(back, queue);
          h.removedQueues.remove(back);
          h.count("queue directory restored");
        } else if (choice == 1) {
          if (Files.exists(queue)) {
            restorable.add(moveAside(h, queue));
          }
          Files.writeString(queue, "not a directory\n");
          h.count("queue directory replaced by a file");
          h.run(500 + h.random.nextInt(1_500));
          Files.delete(queue);
        } else if (Files.exists(queue)) {
          restorable.add(moveAside(h, queue));
          h.count("queue directory removed");
        }
      }
      h.faultsOver();
      h.run(1_000);
      h.stopWriters();
      long recovery = h.recover(Duration.ofSeconds(120));
      h.finalDrain(0);
      Audit.Result a = h.audit();
      h.report("queue directory", "removed, replaced by a file, restored; random order while 4 writers run", a, recovery, started,
          "spool reasons " + h.books.reasons());
      h.passed();
    }
  }

  /**
   * A writer idle while its queue directory is removed and another writer creates a new one with
   * the same slot name: its next event must not be reported QUEUED into the removed directory.
   */
  @Test
  void anIdleWriterWhoseSlotDirectoryWasReplacedSpoolsItsNextEvent() throws Exception {
    String test = "QueueDirectoryFaultTest-idle";
    Seed seed = Seed.of(test, QueueDirectoryFaultTest.class);
    long started = System.nanoTime();
    try (Harness h = new Harness(test, seed)) {
      h.writers.startStepWriter("a");
      assertEquals('Q', h.writers.step("a").charAt(0), "first event, queue intact");
      moveAside(h, h.home.queueDir());
      h.count("queue directory removed while its writer was idle");
      h.writers.startStepWriter("b");
      String b = h.writers.step("b");
      assertEquals('Q', b.charAt(0), "the new writer queues into the new queue directory: " + b);
      String second = h.writers.step("a");
      h.faultsOver();
      h.stopWriters();
      h.startIngester();
      long recovery = h.recover(Duration.ofSeconds(60));
      h.finalDrain(0);
      Audit.Result a = h.audit();
      h.require(second.charAt(0) == 'S',
          "an append into a slot directory that was removed (a new one of the same name exists) must be spooled, not reported QUEUED: " + second);
      h.report("queue directory", "writer idle while its slot directory was removed and recreated by another writer",
          a, recovery, started, "the idle writer's next record call returned: " + second);
      h.passed();
    }
  }

  private static Path moveAside(Harness h, Path queue) throws Exception {
    Path aside = h.root.resolve("removed-queue-" + h.removedQueues.size() + "-" + System.nanoTime());
    Files.move(queue, aside);
    h.removedQueues.add(aside);
    return aside;
  }
}
