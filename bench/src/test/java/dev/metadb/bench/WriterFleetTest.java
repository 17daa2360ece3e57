package dev.metadb.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real writer JVMs, both topologies: every timed write is counted and lands as one row. */
class WriterFleetTest {
  private static final List<Table> MESSAGES = List.of(Table.MESSAGES);

  private static BenchContext context(Path dir) throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    return new BenchContext(BenchConfig.quickRun(), JvmLauncher.ofCurrentJvm(), root,
        dir.resolve("work"), Files.createDirectories(dir.resolve("data")));
  }

  private static List<String> writes(SinkKind kind, Path home, int count) {
    return List.of("--mode", "writes", "--sink", kind.cliName, "--home", home.toString(), "--count",
        Integer.toString(count), "--tables", "messages");
  }

  @Test
  void directSqliteWritersEachCommitEveryEventInItsOwnTransaction(@TempDir Path dir) throws Exception {
    BenchContext ctx = context(dir);
    Path home = dir.resolve("home");
    WriterFleet.Result result = WriterFleet.start(ctx, "t", 3, k -> writes(SinkKind.DIRECT_SQLITE, home, 20))
        .await(Duration.ofMinutes(2));
    assertEquals(3, result.reports().size());
    assertEquals(60, result.attempted());
    assertEquals(60, result.stored());
    assertEquals(0, result.failed());
    assertNull(result.firstError());
    assertEquals(60, result.latency().count());
    assertTrue(result.wallNanos() > 0);
    for (WriterReport r : result.reports()) {
      assertEquals(20, r.latencyNanos().length);
      assertTrue(r.openNanos() > 0);
    }
    try (RowCounter rows = RowCounter.await(home.resolve("meta.db"), Duration.ofSeconds(5), null)) {
      assertEquals(60, rows.count(MESSAGES));
      assertEquals(60, rows.distinctEventIds(MESSAGES));
    }
  }

  @Test
  void metadbWritersQueueAndTheIngesterLandsEveryRow(@TempDir Path dir) throws Exception {
    BenchContext ctx = context(dir);
    Path home = dir.resolve("home");
    try (IngesterProcess ingester = IngesterProcess.start(ctx, home)) {
      WriterFleet.Result result = WriterFleet.start(ctx, "t", 2, k -> writes(SinkKind.METADB, home, 25))
          .await(Duration.ofMinutes(2));
      assertEquals(50, result.stored(), "every record call QUEUED: " + result.firstError());
      assertEquals(0, result.spooled());
      assertTrue(ingester.awaitRows(MESSAGES, 50, Duration.ofSeconds(60)) > 0, "drained");
      assertEquals(50, ingester.rows().count(MESSAGES));
      assertEquals(50, ingester.rows().distinctEventIds(MESSAGES));
    }
  }

  @Test
  void inboxRecorderWritersStartWithoutMetadbFlagsAndTheIngesterLandsEveryRow(@TempDir Path dir) throws Exception {
    BenchContext ctx = context(dir);
    Path home = dir.resolve("home");
    try (IngesterProcess ingester = IngesterProcess.start(ctx, home)) {
      WriterFleet.Result result = WriterFleet.start(ctx, "t", 2, k -> writes(SinkKind.INBOX, home, 25),
          ctx.jvm()::commandWithoutFlags).await(Duration.ofMinutes(2));
      assertEquals(50, result.stored(), "every record call INBOX: " + result.firstError());
      assertEquals(0, result.spooled());
      assertTrue(ingester.awaitRows(MESSAGES, 50, Duration.ofSeconds(60)) > 0, "drained");
      assertEquals(50, ingester.rows().count(MESSAGES));
      assertEquals(50, ingester.rows().distinctEventIds(MESSAGES));
    }
  }

  @Test
  void aWriterThatCannotOpenCountsEveryWriteAsFailed(@TempDir Path dir) throws Exception {
    BenchContext ctx = context(dir);
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("meta.db")); // a directory where the file must be
    WriterFleet.Result result = WriterFleet.start(ctx, "t", 1, k -> writes(SinkKind.DIRECT_SQLITE, home, 7))
        .await(Duration.ofMinutes(1));
    assertEquals(7, result.attempted());
    assertEquals(7, result.failed());
    assertEquals(0, result.stored());
    assertTrue(result.firstError().startsWith("open failed"), result.firstError());
  }
}
