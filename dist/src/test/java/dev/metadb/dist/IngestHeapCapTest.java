package dev.metadb.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.EventValidator;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed {@code metadb ingest} runs under the heap cap of {@code ingest.jvm.flags}, and the
 * cap cannot make it fail on events the writers accept: 30 events of about 10 MiB each (every text
 * column of communication_events, the widest table, at the 1 MiB value limit: 300 MiB in all,
 * more than the cap) in one inbox file, and the largest line an envelope can encode to (every
 * value made of characters JSON escapes to six bytes, about 56 MiB) in each of two more files.
 * Without the batch's byte bound the 30 events went into one batch and the ingester ran out of
 * heap; every row must land.
 */
class IngestHeapCapTest {
  private static final String MINIMAL_PATH = "/usr/bin:/bin";
  private static final List<String> TEXT_COLUMNS =
      List.of("source", "tool", "direction", "message_id", "chat_id", "handle", "agent", "body", "status");

  @TempDir Path tmp;

  @Test
  void largeEventsAllLandUnderTheInstalledHeapCap() throws Exception {
    Path install = TarballInstall.unpack(tmp);
    String cap = Files.readString(install.resolve("ingest.jvm.flags")).trim();
    assertTrue(cap.contains("-Xmx"), "ingest.jvm.flags caps the heap: " + cap);
    Path home = tmp.resolve("home");
    Path inbox = Files.createDirectories(home.resolve("inbox"));
    int limit = EventValidator.MAX_VALUE_BYTES;
    try (BufferedWriter out = Files.newBufferedWriter(inbox.resolve("big-2026-12-03.jsonl"), StandardCharsets.UTF_8)) {
      for (int i = 0; i < 30; i++) {
        StringBuilder data = new StringBuilder();
        for (String column : TEXT_COLUMNS) {
          data.append('"').append(column).append("\":\"").append(String.format("%02d ", i)).append("x".repeat(limit - 3)).append("\",");
        }
        data.append("\"detail_json\":\"[\\\"").append("y".repeat(limit - 4)).append("\\\"]\"");
        out.write(line(data.toString()));
      }
    }
    for (String name : List.of("huge-a-2026-12-03.jsonl", "huge-b-2026-12-03.jsonl")) {
      String escaped = "\\u0001".repeat(limit);
      StringBuilder data = new StringBuilder();
      for (String column : TEXT_COLUMNS) {
        data.append('"').append(column).append("\":\"").append(escaped).append("\",");
      }
      // [" then \" pairs then "]: one JSON array of one string, at the limit, each \" escaped again here.
      data.append("\"detail_json\":\"[\\\"").append("\\\\\\\"".repeat((limit - 4) / 2)).append("\\\"]\"");
      String line = line(data.toString());
      assertTrue(line.length() > 50 << 20 && line.length() <= EnvelopeCodec.MAX_LINE_BYTES, "a largest line: " + line.length());
      Files.writeString(inbox.resolve(name), line, StandardCharsets.UTF_8);
    }

    Map<String, String> env = Map.of("PATH", MINIMAL_PATH, "HOME", tmp.toString(), "METADB_HOME", home.toString());
    try (Proc ingest = Proc.start(List.of(install.resolve("bin/metadb").toString(), "ingest", "--once"), env, tmp, tmp.resolve("logs"))) {
      String cmdline = TarballInstall.cmdlineOnceJava(ingest);
      assertTrue(cmdline.contains(cap), "the ingester's JVM runs with " + cap + ": " + cmdline);
      Proc.Result r = ingest.await(Duration.ofMinutes(5));
      assertEquals(0, r.exit(), r.err());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("meta.db"));
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT count(*), sum(length(body) = " + limit + "), min(length(detail_json)) FROM communication_events")) {
      rs.next();
      assertEquals(32, rs.getLong(1), "every event landed");
      assertEquals(32, rs.getLong(2), "each body whole, at the limit");
      assertTrue(rs.getLong(3) >= limit - 4, "each detail_json whole");
    }
  }

  /** An inbox line: the envelope around {@code data} (the ingester gives it an id), and its '\n'. */
  private static String line(String data) {
    return "{\"table\":\"communication_events\",\"ts_utc\":\"" + Instant.parse("2026-12-03T10:00:00Z")
        + "\",\"v\":1,\"data\":{" + data + "}}\n";
  }
}
