package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.event.Message;
import dev.metadb.event.Tick;
import dev.metadb.writer.Child;
import dev.metadb.writer.ChildJvm;
import dev.metadb.writer.MetaDb;
import dev.metadb.writer.WriterChild;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code metadb tail}: start points, filters, commit order across ingester restarts, a closed pipe. */
class TailCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration START = Duration.ofSeconds(60);

  @TempDir Path dir;

  private String home() {
    return dir.resolve("home").toString();
  }

  private void recordAndIngest(int ticks, int messages) {
    try (MetaDb db = MetaDb.open(Path.of(home()))) {
      for (int i = 0; i < Math.max(ticks, messages); i++) {
        if (i < ticks) {
          db.record(new Tick(i % 2 == 0 ? "even" : "odd", "{\"i\":" + i + "}"));
        }
        if (i < messages) {
          db.record(new Message("bus", Message.Direction.INBOUND, null, null, null, "m" + i, null));
        }
      }
    }
    CommandRun ingest = CommandRun.of("ingest", "--once", "--home", home());
    assertEquals(0, ingest.exit(), ingest.err());
  }

  private static List<JsonNode> json(String out) throws Exception {
    List<JsonNode> rows = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        rows.add(JSON.readTree(line));
      }
    }
    return rows;
  }

  @Test
  void startsWithTheLastRowsOrASinceTimeAndFiltersThroughTheQueryLockdown() throws Exception {
    recordAndIngest(20, 5);
    CommandRun last = CommandRun.of("tail", "-n", "4", "--format", "json", "--home", home(), "ticks");
    assertEquals(0, last.exit(), last.err());
    List<JsonNode> rows = json(last.out());
    assertEquals(List.of(17L, 18L, 19L, 20L), rows.stream().map(r -> r.path("id").asLong()).toList());
    assertEquals("ticks", rows.get(0).path("table").asText());

    CommandRun all = CommandRun.of("tail", "--since", "2000-01-01T00:00:00Z", "--format", "json", "--home", home());
    assertEquals(0, all.exit(), all.err());
    assertEquals(25, json(all.out()).size());

    CommandRun future = CommandRun.of("tail", "--since", "2999-01-01T00:00:00Z", "--home", home());
    assertEquals(0, future.exit(), future.err());
    assertEquals("", future.out());

    CommandRun odd = CommandRun.of("tail", "-n", "100", "--format", "json", "--where", "source = 'odd' AND id > 10", "--home", home(), "ticks");
    assertEquals(0, odd.exit(), odd.err());
    List<JsonNode> oddRows = json(odd.out());
    assertEquals(5, oddRows.size(), odd.out());
    assertTrue(oddRows.stream().allMatch(r -> r.path("source").asText().equals("odd") && r.path("id").asLong() > 10));

    CommandRun union = CommandRun.of("tail", "--where", "1) UNION SELECT id FROM ticks WHERE (1", "--home", home(), "ticks");
    assertEquals(2, union.exit(), union.err());
    assertTrue(union.err().contains("--where must be an expression over the row's own columns"), union.err());
    CommandRun copy = CommandRun.of("tail", "--where", "(SELECT count(*) FROM read_csv('/etc/passwd')) > 0", "--home", home());
    assertEquals(2, copy.exit(), copy.err());
    CommandRun table = CommandRun.of("tail", "--home", home(), "nosuch");
    assertEquals(2, table.exit(), table.err());
    assertTrue(table.err().contains("unknown table nosuch"), table.err());
  }

  @Test
  void followsEveryRowOnceInCommitOrderWhileTheIngesterIsKilledAndRestarted() throws Exception {
    recordAndIngest(1, 0);
    int events = 3000;
    try (Child tail = Child.start(Main.class, "tail", "-f", "-n", "0", "--format", "json", "--interval-ms", "50", "--home", home());
        Child writer = Child.start(WriterChild.class, home(), String.valueOf(events), "1")) {
      for (int round = 0; round < 3; round++) {
        try (Child ingest = Child.start(Main.class, "ingest", "--home", home(), "--batch-size", "50")) {
          assertTrue(ingest.awaitErr(l -> l.contains("running (pid"), START), ingest.err().toString());
          Thread.sleep(1500);
          ingest.kill9();
        }
      }
      assertEquals(0, writer.await(START), writer.err().toString());
      CommandRun rest = CommandRun.of("ingest", "--once", "--home", home());
      assertEquals(0, rest.exit(), rest.err());
      long expected = count("SELECT (SELECT count(*) FROM ticks) + (SELECT count(*) FROM messages)") - 1;
      assertEquals(events, expected);
      long deadline = System.nanoTime() + START.toNanos();
      while (tail.out().size() < expected) {
        assertTrue(System.nanoTime() < deadline, "tail printed " + tail.out().size() + " of " + expected + "; " + tail.err());
        Thread.sleep(50);
      }
      Thread.sleep(500);
      List<String> lines = tail.out();
      assertEquals(expected, lines.size(), "rows printed more than once");
      Map<String, Long> lastId = new HashMap<>();
      Set<String> eventIds = new HashSet<>();
      for (String line : lines) {
        JsonNode row = JSON.readTree(line);
        String table = row.path("table").asText();
        long id = row.path("id").asLong();
        assertTrue(id > lastId.getOrDefault(table, 0L), table + " id " + id + " after " + lastId.get(table));
        lastId.put(table, id);
        eventIds.add(row.path("event_id").asText());
      }
      assertEquals(expected, eventIds.size());
      System.out.printf("tail -f: %d rows across 3 ingester kills, none missed or repeated%n", lines.size());
    }
  }

  @Test
  void endsAtOnceWhenTheReaderOfItsPipeGoesAway() throws Exception {
    recordAndIngest(10, 0);
    Process tail = ChildJvm.builder(Main.class, Map.of(), "tail", "-f", "--home", home()).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(tail.getInputStream(), StandardCharsets.UTF_8));
      for (int i = 0; i < 3; i++) {
        assertTrue(out.readLine() != null, "tail ended early");
      }
      long closed = System.nanoTime();
      tail.getInputStream().close(); // what head does after its third line
      assertTrue(tail.waitFor(30, TimeUnit.SECONDS), "tail -f still running after its reader went away");
      assertEquals(0, tail.exitValue());
      System.out.printf("tail -f ended %d ms after its reader closed the pipe%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closed));
    } finally {
      tail.destroyForcibly();
    }
  }

  private long count(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + Path.of(home(), "meta.db"));
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
