package dev.metadb.bench;

import dev.metadb.event.Envelope;
import dev.metadb.event.EventIds;
import dev.metadb.event.Tick;
import dev.metadb.event.Timestamps;
import dev.metadb.ingester.RetentionPolicies;
import dev.metadb.ingester.RowRetention;
import dev.metadb.store.EventInserter;
import dev.metadb.store.MetaDatabase;
import dev.metadb.store.WriteTransaction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A year of an ingester's life in a few seconds: events with ts_utc spread over {@code days}
 * simulated days go into a real meta.db in ingester-sized batches ({@link EventInserter}, one
 * {@code BEGIN IMMEDIATE} transaction each), and between batches, as the ingester does in its idle
 * moments, {@link RowRetention#runIdle} deletes what the policy lets go. The clock it measures
 * against is the simulated one, advanced a day at a time; its once-a-minute look is woken once
 * per simulated day.
 *
 * <p>Each day ends like an idle ingester's moment: a WAL checkpoint, then meta.db's size and row
 * count are recorded, and the rows younger than the policy are counted against the number the
 * simulation inserted with such timestamps: {@link Day#youngMissing} must stay 0.
 *
 * <p>Batch latency is the time of each batch's transaction (BEGIN to COMMIT), the figure an
 * ingester's batch waits for; retention runs between batches, never inside one.
 */
final class RetentionYear {
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** One simulated day's end. */
  record Day(int day, long fileBytes, long rows, long youngMissing) {}

  /** The outcome: per-day figures, every batch's latency, and what retention's idle calls cost. */
  record Result(List<Day> days, long[] batchNanos, long[] idleNanos, long deleted) {
    /** Latency percentile (0-100) over the batches of days from {@code fromDay} on, in ms. */
    double batchMillis(double percentile, int fromDay, int batchesPerDay) {
      long[] tail = Arrays.copyOfRange(batchNanos, Math.min(batchNanos.length, fromDay * batchesPerDay), batchNanos.length);
      return percentile(tail, percentile) / 1e6;
    }

    static double percentile(long[] values, double p) {
      if (values.length == 0) {
        return 0;
      }
      long[] sorted = values.clone();
      Arrays.sort(sorted);
      int rank = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }
  }

  private RetentionYear() {}

  /**
   * @param retentionDays the table's policy; 0 for none (the baseline)
   */
  static Result run(Path dir, int days, int eventsPerDay, int batchSize, int retentionDays, String body) throws Exception {
    Files.createDirectories(dir);
    Path file = dir.resolve("meta.db");
    Instant[] clock = {START};
    List<Day> out = new ArrayList<>();
    int batchesPerDay = (eventsPerDay + batchSize - 1) / batchSize;
    long[] batchNanos = new long[days * batchesPerDay];
    List<Long> idle = new ArrayList<>();
    int batchIndex = 0;
    long[] insertedMillis = new long[days * eventsPerDay];
    int inserted = 0;
    try (MetaDatabase db = MetaDatabase.open(file); EventInserter inserter = new EventInserter(db.connection())) {
      RowRetention retention = new RowRetention(db, () -> clock[0], line -> {});
      if (retentionDays > 0) {
        RetentionPolicies.set(db, "ticks", Duration.ofDays(retentionDays).toSeconds(), START);
      }
      long spacing = Duration.ofDays(1).toMillis() / eventsPerDay;
      for (int day = 0; day < days; day++) {
        Instant dayStart = START.plus(Duration.ofDays(day));
        clock[0] = dayStart.plus(Duration.ofDays(1));
        retention.wake();
        for (int first = 0; first < eventsPerDay; first += batchSize) {
          int n = Math.min(batchSize, eventsPerDay - first);
          Instant now = Timestamps.now();
          long t0 = System.nanoTime();
          try (WriteTransaction tx = db.begin()) {
            for (int i = first; i < first + n; i++) {
              Instant ts = dayStart.plusMillis(i * spacing);
              inserter.insert(new Envelope(EventIds.next(), ts, "soak", 1L, new Tick("soak", body)), now);
              insertedMillis[inserted++] = ts.toEpochMilli();
            }
            tx.commit();
          }
          batchNanos[batchIndex++] = System.nanoTime() - t0;
          if (retentionDays > 0) {
            long i0 = System.nanoTime();
            retention.runIdle(Duration.ofMillis(20));
            idle.add(System.nanoTime() - i0);
          }
        }
        while (retentionDays > 0 && !retention.resting()) {
          long i0 = System.nanoTime();
          retention.runIdle(Duration.ofMillis(20));
          idle.add(System.nanoTime() - i0);
        }
        db.checkpointWal();
        long young = 0;
        long cutoff = retentionDays > 0 ? clock[0].minus(Duration.ofDays(retentionDays)).toEpochMilli() : Long.MIN_VALUE;
        for (int i = 0; i < inserted; i++) {
          if (insertedMillis[i] >= cutoff) {
            young++;
          }
        }
        long youngRows = count(db, "SELECT count(*) FROM ticks WHERE ts_utc >= ?",
            retentionDays > 0 ? Timestamps.format(Instant.ofEpochMilli(cutoff)) : "");
        long rows = count(db, "SELECT count(*) FROM ticks WHERE ts_utc >= ?", "");
        out.add(new Day(day + 1, Files.size(file) + walSize(file), rows, young - youngRows));
      }
      retention.close();
      return new Result(out, Arrays.copyOf(batchNanos, batchIndex), idle.stream().mapToLong(Long::longValue).toArray(), retention.deletedTotal());
    }
  }

  private static long walSize(Path file) throws java.io.IOException {
    Path wal = file.resolveSibling(file.getFileName() + "-wal");
    return Files.exists(wal) ? Files.size(wal) : 0;
  }

  private static long count(MetaDatabase db, String sql, String parameter) throws Exception {
    try (PreparedStatement st = db.connection().prepareStatement(sql)) {
      st.setString(1, parameter);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
