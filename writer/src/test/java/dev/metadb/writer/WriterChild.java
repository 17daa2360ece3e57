package dev.metadb.writer;

import dev.metadb.event.Message;
import dev.metadb.event.Tick;
import java.nio.file.Path;

/**
 * A writer process for tests: {@code WriterChild HOME COUNT [PAUSE_MS] [HOLD_MS]} records COUNT
 * events (alternating ticks and messages), printing {@code SLOT n} once, then for each event
 * {@code <status> <event_id>} after record returned, flushed, so a test that kills it knows exactly
 * which events were acknowledged. COUNT 0 means forever. HOLD_MS keeps the slot after writing.
 * Env WRITER_CHILD_BODY_BYTES sets the message body size (default 8).
 */
public final class WriterChild {
  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    long count = Long.parseLong(args[1]);
    long pauseMs = args.length > 2 ? Long.parseLong(args[2]) : 0;
    long holdMs = args.length > 3 ? Long.parseLong(args[3]) : 0;
    long pid = ProcessHandle.current().pid();
    String body = "x".repeat(Integer.parseInt(System.getenv().getOrDefault("WRITER_CHILD_BODY_BYTES", "8")));
    try (MetaDb db = MetaDb.open(home)) {
      System.out.println("SLOT " + db.slotNumber());
      System.out.flush();
      for (long i = 0; count == 0 || i < count; i++) {
        RecordResult r =
            i % 2 == 0
                ? db.record(new Tick("child-" + pid, "{\"i\":" + i + "}"))
                : db.record(new Message("child-" + pid, Message.Direction.OUTBOUND, null, null, null, body + i, null));
        System.out.println(r.status() + " " + r.eventId());
        System.out.flush();
        if (pauseMs > 0) {
          Thread.sleep(pauseMs);
        }
      }
      System.out.flush();
      if (holdMs > 0) {
        Thread.sleep(holdMs);
      }
    }
  }
}
