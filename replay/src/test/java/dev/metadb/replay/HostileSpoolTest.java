package dev.metadb.replay;

import static dev.metadb.replay.TestSpool.JSON;
import static dev.metadb.replay.TestSpool.age;
import static dev.metadb.replay.TestSpool.append;
import static dev.metadb.replay.TestSpool.line;
import static dev.metadb.replay.TestSpool.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metadb.event.Envelope;
import dev.metadb.event.SampleEvents;
import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import dev.metadb.ingester.lines.Quarantine;
import dev.metadb.writer.Home;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spool with every kind of damage: each valid line lands once, each bad one is in quarantine
 * once with its reason and its bytes, and neither changes on a rerun or after a lost ledger.
 */
class HostileSpoolTest {
  @TempDir Path dir;

  @Test
  void everyValidLineLandsOnceAndEveryBadOneIsQuarantinedOnceWithItsReason() throws Exception {
    Home home = new Home(dir.resolve("home"));
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    Path older = home.spoolFile(today.minusDays(2));
    Path newer = home.spoolFile(today.minusDays(1));

    Envelope v1 = SampleEvents.sample(Table.MESSAGES, 1);
    Envelope v2 = SampleEvents.sample(Table.CLI_INVOCATIONS, 2);
    Envelope v3 = SampleEvents.sample(Table.TICKS, 3);
    Envelope v4 = SampleEvents.sample(Table.SESSIONS, 4);
    Envelope v6 = SampleEvents.sample(Table.IROH_EVENTS, 6);

    // older file: a valid line, v1 (repeated across files), and a torn last line
    append(older, line(v6), line(v1), text("{\"event_id\":\"torn-at-the-end\",\"tab"));
    age(older);

    // newer file: line number -> expected reason fragment (null: applied, duplicate or blank)
    Map<Integer, String> expected = new LinkedHashMap<>();
    List<byte[]> lines = new ArrayList<>();
    add(lines, expected, line(v1), null);
    add(lines, expected, text("\n"), null);
    add(lines, expected, crlf(line(v2)), null);
    byte[] truncated = Arrays.copyOf(line(v3), 40);
    add(lines, expected, withNewline(truncated), "not valid JSON");
    add(lines, expected, new byte[] {0x00, 0x01, 0x02, 0x7f, 0x1b, '\n'}, "not valid JSON");
    byte[] badUtf8 = {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0x80};
    add(lines, expected, withNewline(badUtf8), "invalid UTF-8 at byte 0 of the line");
    String v4Line = new String(line(v4), StandardCharsets.UTF_8);
    int hostAt = v4Line.indexOf("test-host");
    ByteArrayOutputStream utf8InValue = new ByteArrayOutputStream();
    utf8InValue.writeBytes(text(v4Line.substring(0, hostAt)));
    utf8InValue.writeBytes(new byte[] {(byte) 0xC3, 0x28});
    utf8InValue.writeBytes(text(v4Line.substring(hostAt)));
    add(lines, expected, utf8InValue.toByteArray(), "invalid UTF-8 at byte " + hostAt);
    add(lines, expected, mutate(v2, "wrong-types", "data", "exit_code", "abc"), "cli_invocations.exit_code: expected a 64-bit integer");
    add(lines, expected, mutate(v2, "wrong-pid", null, "pid", "abc"), "cli_invocations.pid: expected an integer");
    ObjectNode unknownTable = envelopeTree(v3, "unknown-table");
    unknownTable.put("table", "no_such_table");
    add(lines, expected, withNewline(JSON.writeValueAsBytes(unknownTable)), "no_such_table: unknown table");
    byte[] huge = hugeLine();
    add(lines, expected, huge, "is over the " + ReplayRequest.DEFAULT_MAX_LINE_BYTES + "-byte limit");
    add(lines, expected, line(v1), null);
    ObjectNode sameIdOtherContent = envelopeTree(v1, v1.eventId());
    ((ObjectNode) sameIdOtherContent.get("data")).put("body", "different body, same event_id");
    add(lines, expected, withNewline(JSON.writeValueAsBytes(sameIdOtherContent)), null);
    add(lines, expected, text("  \t  \n"), null);
    ObjectNode noId = envelopeTree(v3, null);
    noId.remove("event_id");
    byte[] noIdLine = withNewline(JSON.writeValueAsBytes(noId));
    add(lines, expected, noIdLine, null);
    add(lines, expected, noIdLine, null);
    String raw = "{\"raw_base64\":\"" + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})
        + "\",\"spool\":{\"stage\":\"ingester\",\"reason\":\"queue entry did not decode\",\"at\":\""
        + Timestamps.format(Timestamps.now()) + "\"}}\n";
    add(lines, expected, text(raw), "spooled undecodable: the ingester could not decode it (queue entry did not decode)");
    add(lines, expected, text("[1,2]\n"), "expected a JSON object");
    ObjectNode extraField = envelopeTree(v3, "extra-field");
    extraField.put("colour", "red");
    add(lines, expected, withNewline(JSON.writeValueAsBytes(extraField)), "colour: unknown envelope field");
    append(newer, lines.toArray(new byte[0][]));
    age(newer);

    ReplaySummary summary = ReplayTest.replayHome(home);
    assertNull(summary.failure());
    assertEquals(4, summary.inserted(), "v6, v1, v2 (CRLF) and the id-less line");
    assertEquals(4, summary.duplicates(), "v1 across files, v1 within the file, v1's id with other content, the id-less line again");
    assertEquals(2, summary.blank());
    long badInNewer = expected.values().stream().filter(r -> r != null).count();
    assertEquals(badInNewer + 1, summary.quarantined());
    assertFalse(summary.clean());
    assertEquals(2, summary.moved());

    Path db = home.metaDb();
    assertEquals(4, TestSpool.rows(db));
    assertTrue(TestSpool.stored(db, Table.MESSAGES, v1.eventId()));
    assertTrue(TestSpool.stored(db, Table.CLI_INVOCATIONS, v2.eventId()), "the CRLF line");
    assertTrue(TestSpool.stored(db, Table.IROH_EVENTS, v6.eventId()));
    assertEquals(1, TestSpool.count(db, "SELECT count(*) FROM ticks"), "the id-less line, once");
    assertEquals("body-1", TestSpool.scalar(db, "SELECT body FROM messages"), "the first of two lines with one id wins");

    Path rejectsFile = Quarantine.rejectsFile(home.quarantineDir(), newer);
    List<JsonNode> rejects = readRejects(rejectsFile);
    assertEquals(badInNewer, rejects.size());
    for (JsonNode reject : rejects) {
      int lineNumber = reject.get("line").intValue();
      String reason = expected.get(lineNumber);
      assertTrue(reason != null, "line " + lineNumber + " should not be in quarantine: " + reject);
      assertTrue(reject.get("reason").asText().contains(reason), "line " + lineNumber + ": " + reject.get("reason"));
      assertEquals(newer.toString(), reject.get("source").asText());
      assertArrayEquals(content(lines.get(lineNumber - 1)), rawBytes(reject, home), "line " + lineNumber + " kept byte for byte");
    }
    List<JsonNode> olderRejects = readRejects(Quarantine.rejectsFile(home.quarantineDir(), older));
    assertEquals(1, olderRejects.size());
    assertTrue(olderRejects.get(0).get("reason").asText().startsWith("incomplete last line"));
    assertEquals(3, olderRejects.get(0).get("line").intValue());

    // A rerun over the moved files: the ledger says all is done; nothing is retried.
    List<ReplaySource> replayed = ReplayTest.spools(SpoolFiles.named(home.replayedDir()));
    ReplaySummary rerun = ReplayTest.replay(home, replayed, false);
    assertEquals(0, rerun.inserted() + rerun.duplicates() + rerun.quarantined(), rerun.toString());
    assertTrue(rerun.clean());

    // As after a crash between the quarantine write and the ledger commit: the ledger has not
    // moved past the rejects, and the last entry is torn. The rerun writes nothing twice.
    TestSpool.execute(db, "DELETE FROM replay_ledger");
    append(rejectsFile, text("{\"source\":\"" + newer + "\",\"ident"));
    long rawFiles = countRawFiles(home);
    ReplaySummary afterCrash = ReplayTest.replay(home, replayed, false);
    assertEquals(0, afterCrash.inserted());
    assertEquals(badInNewer + 1, afterCrash.quarantined(), "counted again: the lost ledger never counted them");
    List<JsonNode> rejectsAfter = readRejects(rejectsFile);
    assertEquals(badInNewer, rejectsAfter.size(), "no entry written twice, the torn one cut off");
    assertTrue(Files.readString(rejectsFile, StandardCharsets.UTF_8).endsWith("}\n"));
    assertEquals(rawFiles, countRawFiles(home));
    assertEquals(4, TestSpool.rows(db));
  }

  private static void add(List<byte[]> lines, Map<Integer, String> expected, byte[] line, String reason) {
    lines.add(line);
    expected.put(lines.size(), reason);
  }

  private static byte[] withNewline(byte[] bytes) {
    byte[] out = Arrays.copyOf(bytes, bytes.length + 1);
    out[bytes.length] = '\n';
    return out;
  }

  private static byte[] crlf(byte[] line) {
    byte[] out = Arrays.copyOf(line, line.length + 1);
    out[line.length - 1] = '\r';
    out[line.length] = '\n';
    return out;
  }

  /** A line's bytes without its line break. */
  private static byte[] content(byte[] line) {
    int end = line.length - 1;
    if (end > 0 && line[end - 1] == '\r') {
      end--;
    }
    return Arrays.copyOf(line, end);
  }

  private static ObjectNode envelopeTree(Envelope envelope, String eventId) throws Exception {
    ObjectNode tree = (ObjectNode) JSON.readTree(line(envelope));
    if (eventId != null) {
      tree.put("event_id", eventId);
    }
    return tree;
  }

  private static byte[] mutate(Envelope envelope, String eventId, String object, String field, String value) throws Exception {
    ObjectNode tree = envelopeTree(envelope, eventId);
    ObjectNode target = object == null ? tree : (ObjectNode) tree.get(object);
    target.put(field, value);
    return withNewline(JSON.writeValueAsBytes(tree));
  }

  /** A line of valid JSON 1 MiB longer than the line limit: over it whatever it holds. */
  private static byte[] hugeLine() {
    String head = "{\"event_id\":\"huge\",\"table\":\"messages\",\"ts_utc\":\"2026-11-24T00:00:00Z\","
        + "\"data\":{\"source\":\"s\",\"direction\":\"inbound\",\"body\":\"";
    String tail = "\"}}\n";
    byte[] line = new byte[ReplayRequest.DEFAULT_MAX_LINE_BYTES + (1 << 20)];
    Arrays.fill(line, (byte) 'x');
    System.arraycopy(text(head), 0, line, 0, head.length());
    System.arraycopy(text(tail), 0, line, line.length - tail.length(), tail.length());
    return line;
  }

  private static List<JsonNode> readRejects(Path file) throws Exception {
    List<JsonNode> entries = new ArrayList<>();
    for (String entry : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      entries.add(JSON.readTree(entry));
    }
    return entries;
  }

  private static byte[] rawBytes(JsonNode reject, Home home) throws Exception {
    if (reject.has("raw")) {
      return text(reject.get("raw").asText());
    }
    if (reject.has("raw_base64")) {
      return Base64.getDecoder().decode(reject.get("raw_base64").asText());
    }
    return Files.readAllBytes(home.quarantineDir().resolve(reject.get("raw_file").asText()));
  }

  private static long countRawFiles(Home home) throws Exception {
    try (var files = Files.list(home.quarantineDir())) {
      return files.filter(p -> p.getFileName().toString().endsWith(".raw")).count();
    }
  }
}
