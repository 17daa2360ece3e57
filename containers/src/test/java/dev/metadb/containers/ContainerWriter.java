package dev.metadb.containers;

import dev.metadb.writer.MetaDb;
import dev.metadb.writer.RecordResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The writer process that runs inside a writer container (main of the test classes, which the
 * containers bind-mount read-only). It records {@code ticks} events through {@link MetaDb}, the
 * library every real writer uses, and prints what it was told, so the test can check the books.
 *
 * <pre>
 * args: HOME COUNT PAD_BYTES RATE_PER_SECOND STOP_FILE
 *   COUNT 0: record until STOP_FILE exists (checked every 64 events), else exactly COUNT
 *   RATE_PER_SECOND 0: as fast as it can
 *
 * stdout, one line each, flushed as printed (System.out autoflushes on println):
 *   START pid slot host          pid as this process sees itself (its PID namespace's number)
 *   QUEUED|SPOOLED|FAILED id     after record() returned: the writer's acknowledgement
 *   DONE count                   after MetaDb.close(): a clean exit
 * </pre>
 *
 * <p>A writer killed between record() returning and its line being printed leaves an event that
 * landed without an acknowledgement: at most one per kill, since it records from one thread.
 */
public final class ContainerWriter {
  private ContainerWriter() {}

  public static void main(String[] args) throws IOException {
    Path home = Path.of(args[0]);
    long count = Long.parseLong(args[1]);
    String pad = "x".repeat(Integer.parseInt(args[2]));
    long rate = Long.parseLong(args[3]);
    Path stop = Path.of(args[4]);
    String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
    PrintStream out = System.out;
    long recorded = 0;
    try (MetaDb db = MetaDb.open(home)) {
      out.println("START " + ProcessHandle.current().pid() + " " + db.slotNumber() + " " + host);
      long start = System.nanoTime();
      long gapNanos = rate == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / rate;
      while (count == 0 ? recorded % 64 != 0 || !Files.exists(stop) : recorded < count) {
        RecordResult r = db.recordTick(host, "{\"seq\":" + recorded + ",\"pad\":\"" + pad + "\"}");
        out.println(r.status() + " " + r.eventId());
        recorded++;
        long due = start + recorded * gapNanos;
        long early = due - System.nanoTime();
        if (early > 0) {
          LockSupport.parkNanos(early);
        }
      }
    }
    out.println("DONE " + recorded);
  }
}
