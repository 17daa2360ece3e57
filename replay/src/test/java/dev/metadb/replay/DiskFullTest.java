package dev.metadb.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
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
    Path mount = Files.createDirectories(dir.resolve("small-disk"));
    String mounted = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString());
    Assumptions.assumeTrue(mounted == null, () -> {
      System.out.println("DiskFullTest skipped: cannot mount a tmpfs here (" + mounted + ")");
      return "cannot mount a tmpfs: " + mounted;
    });
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

      assertNull(run("mount", "-o", "remount,size=64m", mount.toString()));
      ReplaySummary rerun = ReplayTest.replay(home, sources, false);
      assertNull(rerun.failure());
      assertEquals(LINES - committed, rerun.inserted());
      assertEquals(0, rerun.duplicates(), "resumed at the ledger offset");
      assertEquals(LINES, TestSpool.rows(home.metaDb()));
      assertEquals(LINES, TestSpool.distinctIds(home.metaDb()));
    } finally {
      run("umount", mount.toString());
    }
  }

  /** Runs a command; null when it succeeded, else its output. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return e.getMessage();
    }
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return "timed out";
    }
    return process.exitValue() == 0 ? null : output.trim();
  }
}
