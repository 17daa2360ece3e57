package dev.metadb.replay;

import static dev.metadb.replay.TestSpool.age;
import static dev.metadb.replay.TestSpool.append;
import static dev.metadb.replay.TestSpool.line;
import static dev.metadb.replay.TestSpool.rows;
import static dev.metadb.replay.TestSpool.text;
import static dev.metadb.replay.TestSpool.writeValid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Envelope;
import dev.metadb.event.SampleEvents;
import dev.metadb.event.Table;
import dev.metadb.ingester.lines.Quarantine;
import dev.metadb.store.SchemaNewerException;
import dev.metadb.writer.Home;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replay in-process over real files and a real meta.db: rerun, identity, trails, dry run, lock. */
class ReplayTest {
  @TempDir Path dir;

  private Home home() {
    return new Home(dir.resolve("home"));
  }

  private static LocalDate today() {
    return LocalDate.now(ZoneOffset.UTC);
  }

  static ReplaySummary replay(Home home, List<ReplaySource> sources, boolean dryRun) throws Exception {
    return Replay.run(ReplayRequest.of(home, sources, dryRun).withSettle(Duration.ZERO), ReplayProgress.NONE, line -> {});
  }

  static List<ReplaySource> spools(List<Path> files) {
    return files.stream().map(ReplaySource::spool).toList();
  }

  static ReplaySummary replayHome(Home home) throws Exception {
    return replay(home, spools(SpoolFiles.inHome(home)), false);
  }

  @Test
  void secondRunAppliesNothingAndAFinishedFileMovesWhileTodaysStays() throws Exception {
    Home home = home();
    Path yesterday = home.spoolFile(today().minusDays(1));
    Path todays = home.spoolFileToday();
    writeValid(yesterday, 0, 500);
    age(yesterday);
    writeValid(todays, 500, 300);
    append(todays, text("{\"event_id\":\"still-being-writ"));

    ReplaySummary first = replayHome(home);
    assertNull(first.failure());
    assertEquals(800, first.inserted());
    assertEquals(0, first.duplicates());
    assertEquals(0, first.quarantined());
    assertEquals(1, first.leftForLater(), "today's trailing fragment is left alone");
    assertEquals(800, rows(home.metaDb()));
    assertFalse(Files.exists(yesterday));
    assertTrue(Files.isRegularFile(home.replayedDir().resolve(yesterday.getFileName())));
    assertTrue(Files.isRegularFile(todays), "today's file is never moved");
    assertTrue(first.clean());

    ReplaySummary second = replayHome(home);
    assertEquals(0, second.inserted());
    assertEquals(1, second.files().size());
    assertEquals(300, second.files().get(0).alreadyDone(), "the ledger skips what was applied");
    assertEquals(800, rows(home.metaDb()));

    // Without the ledger, the same lines are all found as duplicates: INSERT OR IGNORE on event_id.
    TestSpool.execute(home.metaDb(), "DELETE FROM replay_ledger");
    List<ReplaySource> both = spools(List.of(home.replayedDir().resolve(yesterday.getFileName()), todays));
    ReplaySummary third = replay(home, both, false);
    assertEquals(0, third.inserted());
    assertEquals(800, third.duplicates());
    assertEquals(800, rows(home.metaDb()));
  }

  @Test
  void linesAppendedLaterAreReplayedFromTheLedgerOffset() throws Exception {
    Home home = home();
    Path todays = home.spoolFileToday();
    writeValid(todays, 0, 100);
    append(todays, text("{\"partial\":"));
    assertEquals(100, replayHome(home).inserted());
    // The writer's spool starts a new line after a fragment; the fragment becomes a line of its own.
    append(todays, text("\n"));
    writeValid(todays, 100, 50);
    ReplaySummary again = replayHome(home);
    assertEquals(50, again.inserted());
    assertEquals(1, again.quarantined(), "the completed fragment is not a valid envelope");
    assertEquals(150, rows(home.metaDb()));
  }

  @Test
  void aRenamedFileIsRecognisedAndANewFileUnderTheOldNameIsNot() throws Exception {
    Home home = home();
    Path outside = dir.resolve("elsewhere/meta-db-errors-2020-01-01.jsonl");
    writeValid(outside, 0, 40);
    ReplaySummary first = replay(home, spools(List.of(outside)), false);
    assertEquals(40, first.inserted());
    assertNull(first.files().get(0).movedTo(), "files outside <home>/logs are not moved");

    Path renamed = dir.resolve("moved/renamed.jsonl");
    Files.createDirectories(renamed.getParent());
    Files.move(outside, renamed);
    ReplaySummary afterRename = replay(home, spools(List.of(renamed)), false);
    assertEquals(40, afterRename.files().get(0).alreadyDone());
    assertEquals(0, afterRename.inserted() + afterRename.duplicates(), "not read again");

    writeValid(outside, 1000, 25);
    ReplaySummary newFile = replay(home, spools(List.of(outside)), false);
    assertEquals(0, newFile.files().get(0).alreadyDone());
    assertEquals(25, newFile.inserted());

    ReplaySummary renamedAgain = replay(home, spools(List.of(renamed)), false);
    assertEquals(40, renamedAgain.files().get(0).alreadyDone(), "the old file's row was kept aside, not lost");
    assertEquals(65, rows(home.metaDb()));
    assertEquals(2, TestSpool.count(home.metaDb(), "SELECT count(*) FROM replay_ledger"));
  }

  @Test
  void aLedgerOffsetThatDoesNotFitTheFileStartsOver() throws Exception {
    Home home = home();
    Path file = dir.resolve("x/meta-db-errors-2020-01-02.jsonl");
    writeValid(file, 0, 10);
    replay(home, spools(List.of(file)), false);
    TestSpool.execute(home.metaDb(), "UPDATE replay_ledger SET byte_offset = byte_offset - 3");
    ReplaySummary again = replay(home, spools(List.of(file)), false);
    assertEquals(0, again.files().get(0).alreadyDone());
    assertEquals(10, again.duplicates());
  }

  @Test
  void aTrailImportsWithDerivedIdsOnceWhateverItsLineEndings() throws Exception {
    Home home = home();
    Path trail = dir.resolve("trails/watchdog-events-2026-11-24.jsonl");
    String lines =
        "{\"ts_utc\":\"2026-11-24T01:00:00Z\",\"event\":\"restart\",\"agent\":\"clone-3\",\"severity\":\"warn\"}\n"
            + "{\"ts_utc\":\"2026-11-24T01:00:05.5Z\",\"event\":\"healthy\",\"agent\":\"clone-3\",\"host\":\"box\",\"pid\":77}\n"
            + "{\"event\":\"no time\"}\n"
            + "{\"ts_utc\":\"2026-11-24T01:00:09Z\",\"event\":\"x\",\"colour\":\"red\"}\n"
            + "{\"ts_utc\":\"2026-11-24T01:00:10Z\",\"event_id\":\"given-id-1\",\"event\":\"kept id\"}\n";
    append(trail, text(lines));
    ReplaySummary first = replay(home, List.of(ReplaySource.trail(Table.WATCHDOG_EVENTS, trail)), false);
    assertEquals(3, first.inserted());
    assertEquals(2, first.quarantined());
    assertEquals(3, TestSpool.count(home.metaDb(), "SELECT count(*) FROM watchdog_events"));
    assertEquals(1, TestSpool.count(home.metaDb(),
        "SELECT count(*) FROM watchdog_events WHERE host = 'box' AND pid = 77 AND ts_utc = '2026-11-24T01:00:05.500000Z'"));
    assertTrue(TestSpool.stored(home.metaDb(), Table.WATCHDOG_EVENTS, "given-id-1"));
    assertTrue(Files.exists(trail), "a trail is never moved");

    List<String> rejects = Files.readAllLines(Quarantine.rejectsFile(home.quarantineDir(), trail));
    assertEquals(2, rejects.size());
    assertTrue(rejects.get(0).contains("ts_utc: required envelope field is missing"), rejects.get(0));
    assertTrue(rejects.get(1).contains("watchdog_events.colour: unknown field"), rejects.get(1));

    Path crlfCopy = dir.resolve("trails/copy.jsonl");
    append(crlfCopy, text(lines.replace("\n", "\r\n").replace("\":\"", "\": \"")));
    ReplaySummary copy = replay(home, List.of(ReplaySource.trail(Table.WATCHDOG_EVENTS, crlfCopy)), false);
    assertEquals(0, copy.inserted(), "same content, same derived ids");
    assertEquals(3, copy.duplicates());
  }

  @Test
  void aDryRunWritesNothingAndCountsWhatARealRunWould() throws Exception {
    Home home = home();
    Path yesterday = home.spoolFile(today().minusDays(1));
    List<Envelope> written = writeValid(yesterday, 0, 30);
    append(yesterday, text("not json\n"), line(written.get(0)));
    age(yesterday);

    ReplaySummary dry = replay(home, spools(List.of(yesterday)), true);
    assertTrue(dry.dryRun());
    assertEquals(30, dry.inserted());
    assertEquals(1, dry.duplicates(), "the repeated line");
    assertEquals(1, dry.quarantined());
    assertEquals(home.replayedDir().resolve(yesterday.getFileName()), dry.files().get(0).movedTo());
    assertFalse(Files.exists(home.metaDb()), "no database created");
    assertFalse(Files.exists(home.quarantineDir()), "no quarantine written");
    assertTrue(Files.exists(yesterday), "not moved");

    Path other = home.spoolFile(today().minusDays(2));
    append(other, line(written.get(1)));
    writeValid(other, 100, 5);
    age(other);
    replay(home, spools(List.of(other)), false);
    ReplaySummary dryAfter = replay(home, spools(List.of(yesterday)), true);
    assertEquals(29, dryAfter.inserted());
    assertEquals(2, dryAfter.duplicates(), "one already in meta.db, one repeated in the file");
    assertEquals(6, rows(home.metaDb()));
  }

  @Test
  void oneReplayAtATime() throws Exception {
    Home home = home();
    writeValid(home.spoolFileToday(), 0, 3);
    try (ReplayLock held = ReplayLock.acquire(home)) {
      ReplayBusyException busy = assertThrows(ReplayBusyException.class, () -> replayHome(home));
      assertTrue(busy.getMessage().contains("another metadb replay is running (pid " + ProcessHandle.current().pid()), busy.getMessage());
    }
    assertEquals(3, replayHome(home).inserted());
  }

  @Test
  void aNewerSchemaIsRefusedAndNothingMoves() throws Exception {
    Home home = home();
    Path yesterday = home.spoolFile(today().minusDays(1));
    writeValid(yesterday, 0, 3);
    age(yesterday);
    Files.createDirectories(home.dir());
    TestSpool.execute(home.metaDb(), "PRAGMA user_version = 99");
    assertThrows(SchemaNewerException.class, () -> replayHome(home));
    assertThrows(SchemaNewerException.class, () -> replay(home, spools(List.of(yesterday)), true));
    assertTrue(Files.exists(yesterday));
  }

  @Test
  void aFileStillWithinItsSettleTimeIsNotMovedAndItsFragmentWaits() throws Exception {
    Home home = home();
    Path yesterday = home.spoolFile(today().minusDays(1));
    writeValid(yesterday, 0, 4);
    append(yesterday, text("{\"torn"));
    ReplaySummary fresh = Replay.run(
        ReplayRequest.of(home, spools(List.of(yesterday)), false), ReplayProgress.NONE, line -> {});
    assertEquals(4, fresh.inserted());
    assertEquals(1, fresh.leftForLater());
    assertTrue(Files.exists(yesterday), "modified just now: a writer may still append");

    age(yesterday);
    ReplaySummary settled = replayHome(home);
    assertEquals(1, settled.quarantined(), "the fragment of a finished file is torn for good");
    assertEquals(0, settled.leftForLater());
    assertFalse(Files.exists(yesterday));
    List<String> rejects = Files.readAllLines(Quarantine.rejectsFile(home.quarantineDir(), yesterday));
    assertTrue(rejects.get(0).contains("incomplete last line"), rejects.get(0));
  }

  @Test
  void aFinishedFileWhoseLastLineLacksOnlyItsNewlineIsApplied() throws Exception {
    Home home = home();
    Path yesterday = home.spoolFile(today().minusDays(1));
    writeValid(yesterday, 0, 2);
    byte[] last = line(SampleEvents.mixed(7));
    append(yesterday, java.util.Arrays.copyOf(last, last.length - 1));
    age(yesterday);
    ReplaySummary summary = replayHome(home);
    assertEquals(3, summary.inserted());
    assertEquals(0, summary.quarantined());
    assertEquals(1, summary.moved());
  }

  @Test
  void emptyHomeIsNothingToDo() throws Exception {
    Home home = home();
    ReplaySummary summary = replayHome(home);
    assertEquals(0, summary.files().size());
    assertTrue(summary.clean());
    assertFalse(Files.exists(home.dir()), "nothing created");
  }
}
