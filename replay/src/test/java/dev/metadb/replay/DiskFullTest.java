package dev.metadb.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.writer.Home;
import dev.metadb.writer.Tmpfs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * meta.db on a real, small tmpfs: replay stops when the disk is full with what committed kept
 * consistent (rows == ledger), and after the disk grows a rerun lands every line exactly once.
 */
class DiskFullTest {
  private static final int LINES = 20_000;

  @TempDir Path dir;

  @Test
  void aFullDiskStopsReplayCleanlyAndARerunFinishes() throws Exception {
    Tmpfs.assumeAvailable(dir);
    Path mount = dir.resolve("small-disk");
    Tmpfs.mount(mount, "1m");
    try {
      Home home = new Home(mount.resolve("home"));
      Path spool = dir.resolve("spool/meta-db-errors-2020-01-01.jsonl");
      TestSpool.writeValid(spool, 0, LINES);
      List<ReplaySource> sources = List.of(ReplaySource.spool(spool));

      ReplaySummary full = ReplayTest.replay(home, sources, false);
      assertNotNull(full.failure(), "the disk filled up");
      assertTrue(full.failure().contains("full") || full.failure().contains("disk I/O"), full.failure());
      long committed = TestSpool.rows(home.metaDb());
      assertTrue(committed < LINES, "stopped part-way: " + committed);
      assertEquals(committed, TestSpool.count(home.metaDb(), "SELECT coalesce(sum(lines_applied), 0) FROM replay_ledger"),
          "rows and ledger committed together");

      Tmpfs.resize(mount, "64m");
      ReplaySummary rerun = ReplayTest.replay(home, sources, false);
      assertNull(rerun.failure());
      assertEquals(LINES - committed, rerun.inserted());
      assertEquals(0, rerun.duplicates(), "resumed at the ledger offset");
      assertEquals(LINES, TestSpool.rows(home.metaDb()));
      assertEquals(LINES, TestSpool.distinctIds(home.metaDb()));
    } finally {
      Tmpfs.unmount(mount);
    }
  }
}
