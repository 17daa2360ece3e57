package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.event.Tick;
import dev.metadb.writer.Home;
import dev.metadb.writer.MetaDb;
import dev.metadb.writer.RecordResult;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code metadb verify} over a real home (writer queue, ingested meta.db), sound and then with
 * each kind of file damaged the way disks and people damage them: the report must name it.
 */
class VerifyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path home;

  @BeforeEach
  void ingestedHomeWithAWaitingTail() throws Exception {
    home = dir.resolve("home");
    record(0, 100);
    CommandRun ingest = CommandRun.of("ingest", "--once", "--home", home.toString());
    assertEquals(0, ingest.exit(), ingest.err());
    record(100, 40);
  }

  private void record(int from, int count) {
    try (MetaDb db = MetaDb.open(home)) {
      for (int i = from; i < from + count; i++) {
        assertEquals(RecordResult.Status.QUEUED, db.record(new Tick("verify-test", "{\"i\":" + i + "}")).status());
      }
    }
  }

  private JsonNode verify(int expectedExit) throws Exception {
    CommandRun run = CommandRun.of("verify", "--json", "--home", home.toString());
    assertEquals(expectedExit, run.exit(), run.out() + run.err());
    return JSON.readTree(run.out());
  }

  private static JsonNode check(JsonNode report, String name) {
    for (JsonNode check : report.path("checks")) {
      if (check.path("check").asText().equals(name)) {
        return check;
      }
    }
    throw new AssertionError("no check " + name + " in " + report);
  }

  /** The first problem of check {@code name}, as "subject: message". */
  private static String problem(JsonNode report, String name) {
    for (JsonNode f : check(report, name).path("findings")) {
      if (f.path("severity").asText().equals("problem")) {
        return f.path("subject").asText() + ": " + f.path("message").asText();
      }
    }
    throw new AssertionError("no problem in check " + name + ": " + report);
  }

  private Path cycleFile() throws Exception {
    try (Stream<Path> files = Files.list(home.resolve("queue/slot-00"))) {
      return files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
    }
  }

  /** Byte offset of the {@code n}-th entry's JSON ({@code {"i":n}} is in its data). */
  private long offsetOfEntry(Path cycle, int n) throws Exception {
    byte[] bytes = Files.readAllBytes(cycle);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int marker = text.indexOf("{\\\"i\\\":" + n + "}");
    assertTrue(marker > 0, "entry " + n + " not found");
    return text.lastIndexOf("{\"event_id\"", marker);
  }

  /**
   * Lines replay or the ingester would quarantine are counted per check (spool, inbox) without
   * touching them, and a replay ledger row that claims more bytes than its file holds (the file cut
   * back after replay) makes the home unsound.
   */
  @Test
  void badSpoolAndInboxLinesAreCountedAndALedgerPastItsFileIsNamed() throws Exception {
    Home h = new Home(home);
    String valid = "{\"table\":\"ticks\",\"ts_utc\":\"2026-11-24T00:00:00Z\",\"data\":{\"source\":\"ok\"}}\n";
    Path spool = h.spoolFileToday();
    Files.createDirectories(spool.getParent());
    Files.writeString(spool, valid + valid.replace("ok", "ok-2") + "not json at all\n");
    Path inbox = h.inboxFile("tool", LocalDate.now(ZoneOffset.UTC));
    Files.createDirectories(inbox.getParent());
    Files.writeString(inbox, "\n" + valid + "\n{\"table\":\"nope\",\"data\":{}}\n\n{\"table\":\"ticks\"");

    Map<String, String> before = contents();
    JsonNode report = verify(0);
    assertEquals(before, contents(), "verify changed a file in the home");
    JsonNode spoolCounts = check(report, "spool").path("counts");
    assertEquals(2, spoolCounts.path("lines_ok").asLong(), report.toString());
    assertEquals(1, spoolCounts.path("would_quarantine").asLong(), report.toString());
    JsonNode inboxCheck = check(report, "inbox");
    assertEquals(1, inboxCheck.path("counts").path("lines_ok").asLong(), report.toString());
    assertEquals(1, inboxCheck.path("counts").path("would_quarantine").asLong(), report.toString());
    assertTrue(inboxCheck.toString().contains("unknown table") && inboxCheck.toString().contains("bytes after the last newline"),
        inboxCheck.toString());

    CommandRun replay = CommandRun.of("replay", "--home", home.toString());
    assertEquals(1, replay.exit(), "one line quarantined: " + replay.err());
    try (RandomAccessFile cut = new RandomAccessFile(spool.toFile(), "rw")) {
      cut.setLength(valid.length());
    }
    JsonNode unsound = verify(1);
    String ledger = check(unsound, "replay-ledger").toString();
    assertTrue(ledger.contains("bytes were applied but the file has " + valid.length()), ledger);
  }

  @Test
  void aSoundHomeIsSoundAndVerifyChangesNothing() throws Exception {
    Map<String, String> before = contents();
    JsonNode report = verify(0);
    assertTrue(report.path("sound").asBoolean(), report.toString());
    JsonNode queue = check(report, "queue");
    assertEquals(140, queue.path("counts").path("entries").asLong());
    assertEquals(40, queue.path("counts").path("not_ingested").asLong());
    assertEquals(0, queue.path("counts").path("undecodable_entries").asLong());
    assertEquals(3, check(report, "meta.db").path("counts").path("schema_version").asLong());
    assertEquals(before, contents(), "verify changed a file in the home");

    CommandRun text = CommandRun.of("verify", "--home", home.toString());
    assertEquals(0, text.exit(), text.err());
    assertTrue(text.out().contains("40 entries are not ingested yet"), text.out());
    assertTrue(text.out().contains("sound: nothing is wrong"), text.out());
  }

  @Test
  void aFlippedByteInACycleFileNamesTheFileAndTheEntry() throws Exception {
    Path cycle = cycleFile();
    long at = offsetOfEntry(cycle, 70);
    try (RandomAccessFile file = new RandomAccessFile(cycle.toFile(), "rw")) {
      file.seek(at);
      file.write('X');
    }
    JsonNode report = verify(1);
    assertEquals(1, check(report, "queue").path("counts").path("undecodable_entries").asLong());
    String problem = problem(report, "queue");
    assertTrue(problem.startsWith("queue/slot-00/" + cycle.getFileName() + ": entry 70 "), problem);
    assertTrue(problem.contains("not an envelope the ingester accepts"), problem);
  }

  @Test
  void aTruncatedCycleFileIsCalledCutShort() throws Exception {
    Path cycle = cycleFile();
    long at = offsetOfEntry(cycle, 120);
    try (RandomAccessFile file = new RandomAccessFile(cycle.toFile(), "rw")) {
      file.setLength(at + 10);
    }
    JsonNode report = verify(1);
    String problem = problem(report, "queue");
    assertTrue(problem.startsWith("queue/slot-00/" + cycle.getFileName() + ": "), problem);
    assertTrue(problem.contains("truncated"), problem);
    assertEquals(120, check(report, "queue").path("counts").path("entries").asLong());
  }

  @Test
  void aDeletedMetadataFileIsNamed() throws Exception {
    Files.delete(home.resolve("queue/slot-00/metadata.cq4t"));
    JsonNode report = verify(1);
    String problem = problem(report, "queue");
    assertTrue(problem.startsWith("queue/slot-00/metadata.cq4t: missing"), problem);
  }

  @Test
  void aDamagedMetaDbPageFailsTheIntegrityCheck() throws Exception {
    Path db = home.resolve("meta.db");
    long pages = Files.size(db) / 4096;
    assertTrue(pages > 8, "meta.db has only " + pages + " pages");
    try (RandomAccessFile file = new RandomAccessFile(db.toFile(), "rw")) {
      file.seek(pages / 2 * 4096);
      byte[] garbage = new byte[4096];
      java.util.Arrays.fill(garbage, (byte) 0x5a);
      file.write(garbage);
    }
    JsonNode report = verify(1);
    String problem = problem(report, "meta.db");
    assertTrue(problem.startsWith("meta.db: "), problem);
    assertTrue(problem.contains("integrity_check failed") || problem.contains("damaged"), problem);
  }

  @Test
  void aCheckpointPastTheEndIsNamed() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("meta.db"));
        Statement s = c.createStatement()) {
      assertEquals(1, s.executeUpdate("UPDATE ingest_checkpoint SET queue_index = queue_index + 1000 WHERE slot = 'slot-00'"));
    }
    JsonNode report = verify(1);
    String problem = problem(report, "queue");
    assertTrue(problem.startsWith("queue/slot-00: checkpoint 0x"), problem);
    assertTrue(problem.contains("is past the end of " + cycleFile().getFileName() + ", which holds 140 entries"), problem);
  }

  /** Every file of the home with a hash of its content, except SQLite's -wal/-shm companions. */
  private Map<String, String> contents() throws Exception {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(home)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        String name = home.relativize(p).toString();
        if (!name.endsWith("-wal") && !name.endsWith("-shm")) {
          files.put(name, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        }
      }
    }
    return files;
  }
}
