package dev.metadb.faults;

import dev.metadb.event.Event;
import dev.metadb.event.EventValidator;
import dev.metadb.event.Table;
import dev.metadb.writer.MetaDb;
import dev.metadb.writer.RecordResult;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The writer process of the fault suite:
 * {@code FaultWriter HOME TAG SEED BURST_MAX PAUSE_MAX_MS IDLE_PERCENT STOP_FILE}.
 *
 * <p>Records random valid events of all 16 tables ({@link EventFactory}, marked {@code TAG:seq})
 * through {@link MetaDb}, in bursts of 1..BURST_MAX events separated by pauses of 0..PAUSE_MAX_MS;
 * IDLE_PERCENT of the pauses are long (0.5-2.5 s), like a daemon that records now and then.
 * Stops at the first burst boundary after STOP_FILE appears, and exits 0.
 *
 * <p>OUTPUT PROTOCOL (stdout, one line each, flushed before the next record call):
 *
 * <pre>
 *   START tag pid
 *   Q seq event_id      record returned QUEUED     (the writer was told: recorded)
 *   S seq event_id why  record returned SPOOLED    (the writer was told: recorded)
 *   F seq event_id why  record returned FAILED     (the writer was told: not stored)
 *   END n
 * </pre>
 *
 * Sequence numbers start at 0 and go up by one per record call, so when the process is killed
 * the one call that may have stored an event without reporting it is seq = last reported + 1.
 */
public final class FaultWriter {
  private FaultWriter() {}

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    String tag = args[1];
    Random random = new Random(Long.parseLong(args[2]));
    int burstMax = Integer.parseInt(args[3]);
    int pauseMaxMs = Integer.parseInt(args[4]);
    int idlePercent = Integer.parseInt(args[5]);
    Path stopFile = Path.of(args[6]);
    PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 12), false, StandardCharsets.UTF_8);
    Table[] tables = Table.values();
    long seq = 0;
    out.println("START " + tag + " " + ProcessHandle.current().pid());
    out.flush();
    try (MetaDb db = MetaDb.open(home)) {
      while (!Files.exists(stopFile)) {
        int burst = 1 + random.nextInt(burstMax);
        for (int i = 0; i < burst; i++, seq++) {
          Table table = tables[random.nextInt(tables.length)];
          Event event = EventValidator.fromJson(table, EventFactory.data(table, tag, seq, random));
          RecordResult result = db.record(event);
          out.println(code(result.status()) + " " + seq + " " + result.eventId()
              + (result.reason() == null ? "" : " " + result.reason().replace('\n', ' ')));
          out.flush();
        }
        long pause = random.nextInt(100) < idlePercent ? 500 + random.nextInt(2000) : random.nextInt(pauseMaxMs + 1);
        for (long end = System.nanoTime() + pause * 1_000_000; System.nanoTime() < end && !Files.exists(stopFile); ) {
          Thread.sleep(Math.min(50, pause));
        }
      }
    }
    out.println("END " + seq);
    out.flush();
  }

  private static char code(RecordResult.Status status) {
    return switch (status) {
      case QUEUED, INBOX -> 'Q';
      case SPOOLED -> 'S';
      case FAILED -> 'F';
    };
  }
}
