package dev.metadb.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The books of one run: what the writers were told against what is in meta.db.
 *
 * <p>THE RULE (DESIGN.md guarantee 2, as a writer sees it):
 *
 * <ol>
 *   <li>meta.db holds no event id twice;
 *   <li>every event a writer was told is recorded (QUEUED or SPOOLED) is in meta.db; none FAILED;
 *   <li>meta.db holds nothing else, except events whose writer was killed after record() returned
 *       and before it printed the acknowledgement: at most one per killed writer, and only from
 *       writers that were killed (they record from one thread).
 * </ol>
 *
 * @param acknowledged events the writers were told are recorded
 * @param landed rows in meta.db (over all event tables)
 * @param unacknowledged rows no writer printed (rule 3)
 */
record Books(long acknowledged, long landed, long unacknowledged) {

  static Books check(List<WriterRun> runs, List<Landed.Row> rows) {
    Set<String> landed = new HashSet<>();
    for (Landed.Row row : rows) {
      assertTrue(landed.add(row.eventId()), "meta.db holds event " + row.eventId() + " twice");
    }
    Set<String> acked = new HashSet<>();
    for (WriterRun run : runs) {
      assertEquals(0, run.count("FAILED"), run + " was told an event was not recorded at all");
      acked.addAll(run.acks().keySet());
    }
    Set<String> missing = new HashSet<>(acked);
    missing.removeAll(landed);
    assertTrue(missing.isEmpty(), missing.size() + " acknowledged events are not in meta.db, e.g. " + missing.stream().limit(5).toList());
    Set<String> killedHosts = new HashSet<>();
    runs.stream().filter(r -> !r.done()).forEach(r -> killedHosts.add(r.host()));
    long unacked = 0;
    for (Landed.Row row : rows) {
      if (!acked.contains(row.eventId())) {
        unacked++;
        assertTrue(
            killedHosts.contains(row.host()),
            "meta.db holds event " + row.eventId() + " from " + row.host() + ", acknowledged to no writer, and no writer"
                + " was killed there");
      }
    }
    assertTrue(
        unacked <= killedHosts.size(),
        unacked + " rows in meta.db were acknowledged to no writer, but only " + killedHosts.size() + " writers were killed mid-run");
    Books books = new Books(acked.size(), landed.size(), unacked);
    System.err.println("books: " + books);
    return books;
  }

  @Override
  public String toString() {
    return acknowledged + " acknowledged, " + landed + " in meta.db, " + unacknowledged
        + " landed unacknowledged (writer killed before printing), 0 duplicates, 0 lost";
  }
}
