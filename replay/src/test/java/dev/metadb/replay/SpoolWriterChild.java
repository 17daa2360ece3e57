package dev.metadb.replay;

import dev.metadb.event.Envelope;
import dev.metadb.event.EventIds;
import dev.metadb.event.Message;
import dev.metadb.event.SampleEvents;
import dev.metadb.event.SpoolStamp;
import dev.metadb.event.Timestamps;
import dev.metadb.writer.ErrorSpool;
import dev.metadb.writer.Home;
import java.nio.file.Path;

/**
 * Appends to today's spool through the writer's {@link ErrorSpool}, in its own JVM: {@code
 * SpoolWriterChild HOME COUNT}. Every 25th event carries a 300 KB body, so its line spans many
 * pages and a reader can meet it half-written. Paced (a short pause every 20 lines) so that the
 * appending overlaps the replays the test runs meanwhile. Prints {@code started} and {@code done}.
 */
public final class SpoolWriterChild {
  private SpoolWriterChild() {}

  public static void main(String[] args) throws Exception {
    ErrorSpool spool = new ErrorSpool(new Home(Path.of(args[0])));
    int count = Integer.parseInt(args[1]);
    String big = "b".repeat(300 * 1024);
    System.out.println("started");
    System.out.flush();
    for (int i = 0; i < count; i++) {
      Envelope envelope = i % 25 == 0
          ? new Envelope(EventIds.next(), Timestamps.now(), "writer", ProcessHandle.current().pid(),
              new Message("spool-writer", Message.Direction.INBOUND, null, null, null, big, null))
          : SampleEvents.mixed(i);
      spool.append(envelope, new SpoolStamp(SpoolStamp.WRITER, "queue unusable (test)", Timestamps.now()));
      if (i % 20 == 19) {
        Thread.sleep(20);
      }
    }
    System.out.println("done");
    System.out.flush();
  }
}
