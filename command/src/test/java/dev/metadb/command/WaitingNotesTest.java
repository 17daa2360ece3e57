package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.event.Tick;
import dev.metadb.ingester.IngestLock;
import dev.metadb.writer.Home;
import dev.metadb.writer.MetaDb;
import dev.metadb.writer.RecordResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What query and status say of events not yet in meta.db: query's notes appear only when
 * something waits, with the count and the command that moves it (ingest for the queue and the
 * inbox, replay for the spool); status after a real replay tells spooled lines still to replay
 * apart from the ones already applied.
 */
class WaitingNotesTest {
  private static final String QUERY = "SELECT count(*) AS n FROM ticks";

  @TempDir Path tmp;

  @Test
  void queryNotesOnlyWhatWaitsWithItsCountAndNextStep() throws Exception {
    CommandRun fresh = CommandRun.of("query", "--home", home().toString(), "SELECT 1 AS one");
    assertEquals(0, fresh.exit(), fresh.err());
    assertEquals("", fresh.err(), "a new home: nothing waits");

    record("a");
    record("b");
    try (MetaDb db = MetaDb.open(home())) {
      assertEquals(RecordResult.Status.QUEUED, db.record(new Tick("queued", null)).status());
    }
    assertEquals(0, CommandRun.of("ingest", "--once", "--home", home().toString()).exit());
    record("c");
    record("d");
    try (MetaDb db = MetaDb.open(home())) {
      assertEquals(RecordResult.Status.QUEUED, db.record(new Tick("queued-2", null)).status());
    }
    assertEquals("metadb: note: no ingester is running on " + home() + "; 3 events waiting in the queue or the inbox"
        + " are not in meta.db yet.\n"
        + "  hint: run `metadb ingest` (or `metadb ingest --once` to catch up and exit)\n", query().err());

    assertEquals(0, CommandRun.of("ingest", "--once", "--home", home().toString()).exit());
    CommandRun ingested = query();
    assertEquals("", ingested.err(), "everything ingested: nothing waits");
    assertEquals("n\n6", ingested.out().strip().replace("\r", ""));

    spoolTwo();
    String replayNote = "metadb: note: 2 events in the spool (" + home().resolve("logs") + ") are not in meta.db yet.\n"
        + "  hint: run `metadb replay` to apply them\n";
    assertEquals(replayNote, query().err());

    record("e");
    try (IngestLock running = IngestLock.acquire(new Home(home()))) {
      assertEquals(replayNote, query().err(), "an ingester is running: only the spool waits for a person");
    }

    assertEquals(0, CommandRun.of("replay", "--home", home().toString()).exit());
    assertEquals(0, CommandRun.of("ingest", "--once", "--home", home().toString()).exit());
    assertEquals("", query().err(), "everything replayed and ingested: nothing waits");
  }

  @Test
  void statusAfterAReplayShowsNothingLeftToReplay() throws Exception {
    record("first");
    assertEquals(0, CommandRun.of("ingest", "--once", "--home", home().toString()).exit());
    String spool = spoolTwo().getFileName().toString();
    assertTrue(status().out().contains("  " + spool + "  2 lines still to replay; 0 already applied, 0 quarantined\n"),
        status().out());

    CommandRun replay = CommandRun.of("replay", "--home", home().toString());
    assertEquals(0, replay.exit(), replay.err());
    assertTrue(Files.exists(home().resolve("logs").resolve(spool)), "today's spool file stays where it is");
    CommandRun after = status();
    assertTrue(after.out().contains("spool files   1, 0 lines still to replay\n"), after.out());
    assertTrue(after.out().contains("  " + spool + "  0 lines still to replay; 2 already applied, 0 quarantined\n"),
        after.out());
    JsonNode json = new ObjectMapper().readTree(CommandRun.of("status", "--json", "--home", home().toString()).out());
    assertEquals(0, json.path("spool_files").path(spool).asLong(-1), json.toString());
    assertEquals(2, json.path("spool").get(0).path("lines_applied").asLong(), json.toString());
  }

  /** Two events recorded while the inbox cannot be written: they go to today's spool file. */
  private Path spoolTwo() throws Exception {
    Path inbox = home().resolve("inbox");
    Path aside = home().resolve("inbox-aside");
    Files.move(inbox, aside);
    Files.writeString(inbox, "in the way");
    record("spooled-1");
    record("spooled-2");
    Files.delete(inbox);
    Files.move(aside, inbox);
    try (var files = Files.list(home().resolve("logs"))) {
      return files.filter(p -> p.getFileName().toString().startsWith("meta-db-errors-")).findFirst().orElseThrow();
    }
  }

  private void record(String source) {
    CommandRun run = CommandRun.of("record", "ticks", "--field", "source=" + source, "--home", home().toString());
    assertEquals(0, run.exit(), run.err());
  }

  private CommandRun query() {
    CommandRun run = CommandRun.of("query", "--home", home().toString(), "--format", "csv", QUERY);
    assertEquals(0, run.exit(), run.err());
    return run;
  }

  private CommandRun status() {
    return CommandRun.of("status", "--home", home().toString());
  }

  private Path home() {
    return tmp.resolve("home");
  }
}
