package dev.metadb.ingester;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.SampleEvents;
import dev.metadb.event.Table;
import dev.metadb.ingester.lines.Quarantine;
import dev.metadb.writer.Home;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay's hostile-spool suite (HostileSpoolTest) applied to an inbox file: every kind of damaged
 * line, each valid line landing once, each bad one in quarantine once with its reason and its
 * bytes, and neither changing after a lost ledger.
 */
class InboxHostileTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void everyValidLineLandsOnceAndEveryBadOneIsQuarantinedOnceWithItsReason() throws Exception {
    Home home = new Home(dir.resolve("home"));
    Path file = home.dir().resolve("inbox").resolve("hostile-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
    Files.createDirectories(file.getParent());
    Envelope v1 = SampleEvents.sample(Table.MESSAGES, 1);
    Envelope v2 = SampleEvents.sample(Table.CLI_INVOCATIONS, 2);
    Envelope v3 = SampleEvents.sample(Table.TICKS, 3);
    Envelope v4 = SampleEvents.sample(Table.SESSIONS, 4);

    // line number -> expected reason fragment (null: applied, duplicate or blank)
    Map<Integer, String> expected = new LinkedHashMap<>();
    List<byte[]> lines = new ArrayList<>();
    add(lines, expected, line(v1), null);
    add(lines, expected, text("\n"), null);
    add(lines, expected, crlf(line(v2)), null);
    add(lines, expected, withNewline(Arrays.copyOf(line(v3), 40)), "not valid JSON");
    add(lines, expected, new byte[] {0x00, 0x01, 0x02, 0x7f, 0x1b, '\n'}, "not valid JSON");
    add(lines, expected, withNewline(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0x80}), "invalid UTF-8 at byte 0 of the line");
    String v4Line = new String(line(v4), StandardCharsets.UTF_8);
    int hostAt = v4Line.indexOf("test-host");
    ByteArrayOutputStream utf8InValue = new ByteArrayOutputStream();
    utf8InValue.writeBytes(text(v4Line.substring(0, hostAt)));
    utf8InValue.writeBytes(new byte[] {(byte) 0xC3, 0x28});
    utf8InValue.writeBytes(text(v4Line.substring(hostAt)));
    add(lines, expected, utf8InValue.toByteArray(), "invalid UTF-8 at byte " + hostAt);
    add(lines, expected, mutate(v2, "wrong-types", "data", "exit_code", "abc"), "cli_invocations.exit_code: expected a 64-bit integer");
    add(lines, expected, mutate(v2, "wrong-pid", null, "pid", "abc"), "cli_invocations.pid: expected an integer");
    add(lines, expected, mutate(v2, "bad-ts", null, "ts_utc", "yesterday"), "cli_invocations.ts_utc: expected an ISO-8601 timestamp");
    ObjectNode unknownTable = tree(v3, "unknown-table");
    unknownTable.put("table", "no_such_table");
    add(lines, expected, withNewline(JSON.writeValueAsBytes(unknownTable)), "no_such_table: unknown table");
    ObjectNode noData = tree(v3, "no-data");
    noData.remove("data");
    add(lines, expected, withNewline(JSON.writeValueAsBytes(noData)), "ticks.data: required envelope field is missing");
    add(lines, expected, huge(), "is over the " + EnvelopeCodec.MAX_LINE_BYTES + "-byte limit");
    add(lines, expected, line(v1), null);
    ObjectNode sameIdOtherContent = tree(v1, v1.eventId());
    ((ObjectNode) sameIdOtherContent.get("data")).put("body", "different body, same event_id");
    add(lines, expected, withNewline(JSON.writeValueAsBytes(sameIdOtherContent)), null);
    add(lines, expected, text("  \t  \n"), null);
    ObjectNode bare = tree(v3, null);
    bare.remove("event_id");
    bare.remove("ts_utc");
    byte[] bareLine = withNewline(JSON.writeValueAsBytes(bare));
    add(lines, expected, bareLine, null);
    add(lines, expected, bareLine, null);
    add(lines, expected, text("[1,2]\n"), "expected a JSON object");
    ObjectNode extraField = tree(v3, "extra-field");
    extraField.put("colour", "red");
    add(lines, expected, withNewline(JSON.writeValueAsBytes(extraField)), "colour: unknown envelope field");
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      for (byte[] line : lines) {
        out.write(line);
      }
    }

    IngestOptions options = new IngestOptions(100, Duration.ofMillis(20), 7, false);
    IngestStats stats;
    try (Ingester ingester = Ingester.open(home, options, line -> {})) {
      stats = ingester.drain();
    }
    assertEquals(4, stats.inserted(), "v1, v2 (CRLF), and the bare line twice (two appends, two events): " + stats);
    assertEquals(2, stats.duplicates(), "v1 again, v1's id with other content: " + stats);
    long bad = expected.values().stream().filter(r -> r != null).count();
    try (Connection c = Sql.connect(home.metaDb())) {
      assertEquals(1, Sql.count(c, "SELECT count(*) FROM messages"));
      assertEquals("body-1", Sql.text(c, "SELECT body FROM messages"), "the first of two lines with one id wins");
      assertEquals(1, Sql.count(c, "SELECT count(*) FROM cli_invocations"));
      assertEquals(2, Sql.count(c, "SELECT count(*) FROM ticks"), "the bare line twice");
      assertEquals(bad, Sql.count(c, "SELECT lines_quarantined FROM replay_ledger WHERE file = '" + file + "'"));
    }

    Path rejectsFile = Quarantine.rejectsFile(home.quarantineDir(), file);
    List<JsonNode> rejects = readRejects(rejectsFile);
    assertEquals(bad, rejects.size());
    for (JsonNode reject : rejects) {
      int lineNumber = reject.get("line").intValue();
      String reason = expected.get(lineNumber);
      assertTrue(reason != null, "line " + lineNumber + " should not be in quarantine: " + reject);
      assertTrue(reject.get("reason").asText().contains(reason), "line " + lineNumber + ": " + reject.get("reason"));
      assertEquals(file.toString(), reject.get("source").asText());
      assertArrayEquals(content(lines.get(lineNumber - 1)), rawBytes(reject, home), "line " + lineNumber + " kept byte for byte");
    }

    // As after a crash between the quarantine write and the ledger commit: the ledger lost, the
    // last entry torn. The file is read again: nothing lands twice, nothing is quarantined twice.
    try (Connection c = Sql.connect(home.metaDb())) {
      Sql.exec(c, "DELETE FROM replay_ledger");
    }
    Files.write(rejectsFile, text("{\"source\":\"" + file + "\",\"ident"), StandardOpenOption.APPEND);
    try (Ingester ingester = Ingester.open(home, options, line -> {})) {
      IngestStats again = ingester.drain();
      assertEquals(0, again.inserted(), again.toString());
    }
    assertEquals(bad, readRejects(rejectsFile).size(), "no entry written twice, the torn one cut off");
    try (Connection c = Sql.connect(home.metaDb())) {
      assertEquals(4, Sql.count(c, "SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM cli_invocations) + (SELECT count(*) FROM ticks)"));
    }
  }

  /**
   * The same damage arriving under a running ingester, each bad record followed by a good one
   * from another writer: every good one lands (the file never stalls behind a bad line, a torn
   * one included), every bad one is quarantined once with its reason.
   */
  @Test
  void aRunningIngesterNeverStallsBehindABadLine() throws Exception {
    Home home = new Home(dir.resolve("home"));
    Path file = home.dir().resolve("inbox").resolve("hostile-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl");
    Files.createDirectories(file.getParent());
    String valid = "{\"table\":\"ticks\",\"data\":{\"source\":\"bad\"}}";
    byte[] huge = huge();
    List<Damage> damage = List.of(
        new Damage("not valid JSON", text("garbage ][ {"), false),
        new Damage("invalid UTF-8 at byte 0", new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0x80}, false),
        new Damage("not valid JSON", text("{\"table\":\"ticks\",\"data\":{\"source\":\"nul\u0000\"}}"), false),
        new Damage("more text after the JSON value", text(valid + " and then some"), false),
        new Damage("is over the " + EnvelopeCodec.MAX_LINE_BYTES + "-byte limit", Arrays.copyOf(huge, huge.length - 1), false),
        new Damage("not valid JSON", text(valid.substring(0, 30)), true));
    IngestOptions options = new IngestOptions(100, Duration.ofMillis(20), 7, false);
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try (Ingester ingester = Ingester.open(home, options, line -> {})) {
      Future<IngestStats> run = runner.submit(ingester::run);
      int good = 0;
      for (Damage bad : damage) {
        appendRecord(file, bad.content(), !bad.torn());
        appendRecord(file, text("{\"table\":\"ticks\",\"data\":{\"source\":\"after-" + good + "\"}}"), true);
        good++;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!Files.exists(home.metaDb()) || Sql.count(home.metaDb(), "SELECT count(*) FROM ticks") < good) {
          assertTrue(System.nanoTime() < deadline, "stalled behind a line refused for '" + bad.reason() + "'");
          Thread.sleep(10);
        }
      }
      ingester.stop();
      run.get(1, TimeUnit.MINUTES);
    } finally {
      runner.shutdownNow();
    }
    List<JsonNode> rejects = readRejects(Quarantine.rejectsFile(home.quarantineDir(), file));
    assertEquals(damage.size(), rejects.size(), rejects.toString());
    for (int i = 0; i < damage.size(); i++) {
      assertTrue(rejects.get(i).get("reason").asText().contains(damage.get(i).reason()), damage.get(i).reason() + ": " + rejects.get(i));
    }
    assertEquals(damage.size(), Sql.count(home.metaDb(), "SELECT count(*) FROM ticks WHERE source LIKE 'after-%'"));
  }

  /** A bad record: what goes in, why it is refused, and whether its writer died before the line end. */
  private record Damage(String reason, byte[] content, boolean torn) {}

  /** One write of "\n" + content (+ "\n" unless torn), as a writer does (or a killed one did). */
  private static void appendRecord(Path file, byte[] content, boolean whole) throws Exception {
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.write('\n');
    record.writeBytes(content);
    if (whole) {
      record.write('\n');
    }
    Files.write(file, record.toByteArray(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private static void add(List<byte[]> lines, Map<Integer, String> expected, byte[] line, String reason) {
    lines.add(line);
    expected.put(lines.size(), reason);
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] line(Envelope envelope) {
    return withNewline(EnvelopeCodec.encode(envelope, null));
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

  private static byte[] content(byte[] line) {
    int end = line.length - 1;
    if (end > 0 && line[end - 1] == '\r') {
      end--;
    }
    return Arrays.copyOf(line, end);
  }

  private static ObjectNode tree(Envelope envelope, String eventId) throws Exception {
    ObjectNode tree = (ObjectNode) JSON.readTree(line(envelope));
    if (eventId != null) {
      tree.put("event_id", eventId);
    }
    return tree;
  }

  private static byte[] mutate(Envelope envelope, String eventId, String object, String field, String value) throws Exception {
    ObjectNode tree = tree(envelope, eventId);
    ObjectNode target = object == null ? tree : (ObjectNode) tree.get(object);
    target.put(field, value);
    return withNewline(JSON.writeValueAsBytes(tree));
  }

  /** A line of valid JSON 1 MiB longer than the line limit. */
  private static byte[] huge() {
    String head = "{\"table\":\"messages\",\"data\":{\"source\":\"s\",\"direction\":\"inbound\",\"body\":\"";
    String tail = "\"}}\n";
    byte[] line = new byte[EnvelopeCodec.MAX_LINE_BYTES + (1 << 20)];
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
}
