package dev.metadb.faults;

import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.InvalidEventException;
import dev.metadb.event.Table;
import dev.metadb.store.MetaDatabase;
import dev.metadb.writer.Home;
import dev.metadb.writer.QueueContents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Checks the books: the writers' side ({@link Books}) against meta.db.
 *
 * <p>THE RULES. After the final drain ({@code ingest --once}, then {@code replay}):
 *
 * <ol>
 *   <li>Every RECORDED event (QUEUED or SPOOLED) is a row exactly once: in one table, once
 *       ({@code missing == 0}, {@code duplicates == 0}).
 *   <li>The one excuse: a QUEUED event whose queue entry is in a queue directory that was removed
 *       (by someone else, after the append) before the ingester read it, and never restored. It
 *       is counted as {@code lostWithRemovedQueue}, and only when the entry is really found in
 *       that removed directory (the suite moves directories aside instead of deleting them, so it
 *       can look): an event the writer appended to an already removed directory and was told
 *       QUEUED is missing, not excused.
 *   <li>Nothing else is in meta.db ({@code unknown == 0}). A row nobody was told about is allowed
 *       only as the one event a writer killed with SIGKILL may have stored without reporting it:
 *       its marker names a killed writer and the sequence number right after the last one it
 *       reported ({@code inFlightAtKill}). A FAILED event that lands anyway (its queue entry
 *       came back with a restored directory) is counted, not an error.
 *   <li>Per table, count(DISTINCT event_id) == count(*).
 * </ol>
 */
final class Audit {
  private Audit() {}

  /** The outcome of one audit. Samples hold at most 10 ids each, for messages. */
  record Result(
      long recorded,
      long queued,
      long spooled,
      long failed,
      long landed,
      long duplicates,
      long missing,
      long unknown,
      long lostWithRemovedQueue,
      long inFlightAtKill,
      long failedLanded,
      long rows,
      List<String> missingSample,
      List<String> unknownSample,
      List<String> duplicateSample) {

    boolean balanced() {
      return missing == 0 && duplicates == 0 && unknown == 0;
    }

    String summary() {
      return "recorded " + recorded + " (queued " + queued + ", spooled " + spooled + "), failed " + failed
          + "; rows " + rows + ", landed " + landed + ", duplicates " + duplicates + ", missing " + missing
          + ", unknown " + unknown + ", lost with a removed queue directory " + lostWithRemovedQueue
          + ", in flight at a kill " + inFlightAtKill + ", failed but landed " + failedLanded
          + (missingSample.isEmpty() ? "" : "; missing e.g. " + missingSample)
          + (unknownSample.isEmpty() ? "" : "; unknown e.g. " + unknownSample)
          + (duplicateSample.isEmpty() ? "" : "; duplicated e.g. " + duplicateSample);
    }
  }

  /**
   * Audits {@code home} against {@code books}.
   *
   * @param removedQueues queue directories moved away during the run and not restored
   * @param alsoAllowed ids that may be in meta.db without a writer being told (a test's own
   *     hand-made lines); never excuses a missing event
   */
  static Result check(Home home, Books books, Collection<Path> removedQueues, Predicate<String> alsoAllowed)
      throws SQLException, IOException {
    Map<String, Integer> rows = new HashMap<>();
    Map<String, EventFactory.Marker> markers = new HashMap<>();
    long tableDuplicates = 0;
    long totalRows = 0;
    List<String> duplicateSample = new ArrayList<>();
    if (Files.exists(home.metaDb())) {
      try (Connection c = MetaDatabase.connectReadOnly(home.metaDb()); Statement s = c.createStatement()) {
        for (Table table : Table.values()) {
          try (ResultSet rs = s.executeQuery("SELECT count(*) - count(DISTINCT event_id), count(*) FROM " + table.sqlName())) {
            rs.next();
            tableDuplicates += rs.getLong(1);
            totalRows += rs.getLong(2);
          }
          String marker = EventFactory.markerColumn(table).name();
          try (ResultSet rs = s.executeQuery("SELECT event_id, " + marker + " FROM " + table.sqlName())) {
            while (rs.next()) {
              String id = rs.getString(1);
              if (rows.merge(id, 1, Integer::sum) == 2 && duplicateSample.size() < 10) {
                duplicateSample.add(id + " (in " + table.sqlName() + " and another table)");
              }
              markers.put(id, EventFactory.parseMarker(rs.getString(2)));
            }
          }
        }
      }
    }
    Set<String> removed = new HashSet<>();
    for (Path dir : removedQueues) {
      removed.addAll(idsInQueue(dir));
    }
    Map<String, Books.Told> told = books.snapshot();
    long landed = 0, missing = 0, lost = 0, duplicates = tableDuplicates, failedLanded = 0, unknown = 0, inFlight = 0;
    List<String> missingSample = new ArrayList<>();
    List<String> unknownSample = new ArrayList<>();
    for (Map.Entry<String, Books.Told> e : told.entrySet()) {
      int n = rows.getOrDefault(e.getKey(), 0);
      Books.Told t = e.getValue();
      if (!t.recorded()) {
        failedLanded += n > 0 ? 1 : 0;
        duplicates += Math.max(0, n - 1);
        continue;
      }
      if (n == 0) {
        if (t.status() == Books.Status.QUEUED && removed.contains(e.getKey())) {
          lost++;
        } else {
          missing++;
          sample(missingSample, e.getKey() + " (" + t + ")");
        }
      } else {
        landed++;
        duplicates += n - 1;
      }
    }
    for (Map.Entry<String, Integer> r : rows.entrySet()) {
      String id = r.getKey();
      if (told.containsKey(id)) {
        continue;
      }
      duplicates += r.getValue() - 1;
      EventFactory.Marker m = markers.get(id);
      if (m != null && books.wasKilled(m.tag()) && m.seq() == books.lastSeq(m.tag()) + 1) {
        inFlight++;
      } else if (!alsoAllowed.test(id)) {
        unknown++;
        sample(unknownSample, id + (m == null ? " (no marker)" : " (marker " + m.tag() + ":" + m.seq() + ")"));
      }
    }
    return new Result(
        books.recorded(), books.count(Books.Status.QUEUED), books.count(Books.Status.SPOOLED), books.count(Books.Status.FAILED),
        landed, duplicates, missing, unknown, lost, inFlight, failedLanded, totalRows,
        missingSample, unknownSample, duplicateSample);
  }

  /** How many rows meta.db holds over all event tables, or 0 when it cannot be read right now. */
  static long totalRows(Home home) {
    if (!Files.exists(home.metaDb())) {
      return 0;
    }
    try (Connection c = MetaDatabase.connectReadOnly(home.metaDb()); Statement s = c.createStatement()) {
      long total = 0;
      for (Table table : Table.values()) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table.sqlName())) {
          rs.next();
          total += rs.getLong(1);
        }
      }
      return total;
    } catch (SQLException e) {
      return 0;
    }
  }

  /** Every event id in the writer slots of {@code queueDir} (entries that do not decode are skipped). */
  static Set<String> idsInQueue(Path queueDir) throws IOException {
    Set<String> ids = new HashSet<>();
    for (byte[] entry : QueueContents.entries(queueDir)) {
      try {
        ids.add(EnvelopeCodec.decode(entry).eventId());
      } catch (InvalidEventException e) {
        // Not an event a writer was told about; the ingester spools such entries.
      }
    }
    return ids;
  }

  private static void sample(List<String> sample, String item) {
    if (sample.size() < 10) {
      sample.add(item);
    }
  }
}
