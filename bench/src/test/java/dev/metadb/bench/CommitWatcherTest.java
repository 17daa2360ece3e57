package dev.metadb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Envelope;
import dev.metadb.event.EventIds;
import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitWatcherTest {
  @Test
  void measuresEachNewRowOnceFromItsTimestamp(@TempDir Path home) throws Exception {
    Path db = home.resolve("meta.db");
    Instant written = Timestamps.now().minusMillis(300);
    try (Connection writer = SeedDatabase.openForWriting(db);
        RowInserter inserter = new RowInserter(writer, false);
        RowCounter rows = RowCounter.await(db, Duration.ofSeconds(5), null)) {
      CommitWatcher watcher = new CommitWatcher(rows.connection(), "messages");
      for (int i = 0; i < 3; i++) {
        inserter.insert(new Envelope(EventIds.next(), written, "h", 1L, EventMix.message(i)), written, false);
      }
      assertEquals(3, watcher.poll());
      assertEquals(0, watcher.poll(), "rows already seen are not measured again");
      inserter.insert(new Envelope(EventIds.next(), Timestamps.now(), "h", 1L, EventMix.message(9)), written, false);
      assertEquals(1, watcher.poll());
      long[] lags = watcher.lagNanos();
      assertEquals(4, lags.length);
      for (int i = 0; i < 3; i++) {
        assertTrue(lags[i] >= Duration.ofMillis(300).toNanos(), "lag " + lags[i] + " counts from ts_utc");
      }
      assertEquals(4, rows.count(List.of(Table.MESSAGES)));
      assertEquals(4, rows.highestIds());
    }
  }
}
