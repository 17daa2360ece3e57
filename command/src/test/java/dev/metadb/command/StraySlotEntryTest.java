package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.writer.Child;
import dev.metadb.writer.Home;
import dev.metadb.writer.WriterChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One stray entry where writer slot 0 should be (a directory at {@code slot-00.lock}, a regular
 * file at {@code slot-00}) must not disable the queue: real writer processes queue every event in
 * the next slot and say so once each, and {@code ingest --once} lands them all.
 */
class StraySlotEntryTest {
  private static final Duration DONE = Duration.ofSeconds(120);
  private static final int EVENTS = 20;
  private static final int WRITERS = 2;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"directory at slot-00.lock", "file at slot-00"})
  void theSlotIsSkippedReportedOnceAndEveryEventIsQueuedAndIngested(String stray) throws Exception {
    Path home = dir.resolve("home");
    Path queue = Home.createPrivateDirectories(home.resolve("queue"));
    Path planted = stray.endsWith(".lock")
        ? Files.createDirectory(queue.resolve("slot-00.lock"))
        : Files.writeString(queue.resolve("slot-00"), "not a queue\n");
    for (int w = 0; w < WRITERS; w++) {
      try (Child writer = Child.start(WriterChild.class, home.toString(), String.valueOf(EVENTS))) {
        assertEquals(0, writer.await(DONE), writer.err().toString());
        List<String> out = writer.out();
        assertEquals(EVENTS, out.stream().filter(l -> l.startsWith("QUEUED ")).count(), stray + ": " + out + writer.err());
        assertTrue(!out.get(0).equals("SLOT 0"), "the writer did not use the stray slot: " + out.get(0));
        List<String> err = writer.err();
        assertEquals(1, err.size(), stray + ": reported once per process: " + err);
        assertTrue(err.get(0).contains(planted.toString()) && err.get(0).contains("skipping writer slot 0"), err.get(0));
      }
    }
    CommandRun ingest = CommandRun.of("ingest", "--once", "--home", home.toString());
    assertEquals(0, ingest.exit(), ingest.err());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("meta.db"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM ticks) + (SELECT count(*) FROM messages)")) {
      assertEquals(EVENTS * WRITERS, rs.getLong(1), stray + ": every queued event ingested");
    }
    assertTrue(Files.exists(planted), "the stray entry is left alone");
    CommandRun status = CommandRun.of("status", "--home", home.toString());
    assertEquals(0, status.exit(), status.err());
  }
}
