package dev.metadb.faults;

import dev.metadb.event.EventValidator;
import dev.metadb.event.Table;
import dev.metadb.writer.MetaDb;
import dev.metadb.writer.RecordResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A writer that records one event per step, when told: {@code StepWriter HOME TAG CONTROL_DIR}.
 * It opens {@link MetaDb} at once (claiming a slot), then for k = 0, 1, ... waits for the file
 * {@code CONTROL_DIR/TAG-step-k}, records one tick marked {@code TAG:k} and prints {@link
 * FaultWriter}'s protocol line for it. A step file whose content is {@code exit} ends it. Lets a
 * test place one record call exactly between two faults, like a daemon idle in between.
 */
public final class StepWriter {
  private StepWriter() {}

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    String tag = args[1];
    Path control = Path.of(args[2]);
    Random random = new Random(tag.hashCode());
    try (MetaDb db = MetaDb.open(home)) {
      System.out.println("START " + tag + " " + ProcessHandle.current().pid());
      System.out.flush();
      for (long k = 0; ; k++) {
        Path step = control.resolve(tag + "-step-" + k);
        while (!Files.exists(step)) {
          Thread.sleep(10);
        }
        if (Files.readString(step).trim().equals("exit")) {
          return;
        }
        RecordResult r = db.record(EventValidator.fromJson(Table.TICKS, EventFactory.data(Table.TICKS, tag, k, random)));
        System.out.println(r.status().name().charAt(0) + " " + k + " " + r.eventId() + (r.reason() == null ? "" : " " + r.reason()));
        System.out.flush();
      }
    }
  }
}
