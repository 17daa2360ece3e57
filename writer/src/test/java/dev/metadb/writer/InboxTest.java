package dev.metadb.writer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.EventIds;
import dev.metadb.event.Message;
import dev.metadb.event.Tick;
import dev.metadb.event.Timestamps;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inbox's writer side: naming, framing, permissions, concurrent appends, a full disk. */
class InboxTest {
  @TempDir Path tmp;

  private static Envelope tick(String source) {
    return new Envelope(EventIds.next(), Timestamps.now(), "box", 42L, new Tick(source, null));
  }

  @Test
  void aRecordIsNewlineEnvelopeNewlineInTodaysFileOwnerOnly() throws Exception {
    Home home = new Home(tmp.resolve("home"));
    Envelope event = tick("cron");
    Path file = new Inbox(home, "cli").append(event);

    assertEquals(home.inboxFile("cli", LocalDate.now(ZoneOffset.UTC)), file);
    assertEquals("cli-" + LocalDate.now(ZoneOffset.UTC) + ".jsonl", file.getFileName().toString());
    byte[] expected = ("\n" + new String(EnvelopeCodec.encode(event, null), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(expected, Files.readAllBytes(file));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.inboxDir())));
    assertEquals(event, EnvelopeCodec.decode(Files.readAllLines(file).get(1).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void appendsAddToTheEndAndNeverRewriteWhatIsThere() throws Exception {
    Home home = new Home(tmp.resolve("home"));
    Path file = home.inboxFile("cli", LocalDate.now(ZoneOffset.UTC));
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"table\":\"ticks\",\"data\":{\"source\":\"torn"); // a killed writer's fragment
    Inbox inbox = new Inbox(home, "cli");
    inbox.append(tick("a"));
    inbox.append(tick("b"));
    List<String> lines = Files.readAllLines(file);
    assertEquals(4, lines.size(), lines.toString());
    assertEquals("{\"table\":\"ticks\",\"data\":{\"source\":\"torn", lines.get(0), "the fragment stays a line of its own");
    assertEquals("a", ((Tick) EnvelopeCodec.decode(lines.get(1).getBytes(StandardCharsets.UTF_8)).event()).source());
    assertEquals("", lines.get(2));
    assertEquals("b", ((Tick) EnvelopeCodec.decode(lines.get(3).getBytes(StandardCharsets.UTF_8)).event()).source());
  }

  @Test
  void concurrentAppendersNeverInterleaveRecords() throws Exception {
    Home home = new Home(tmp.resolve("home"));
    int threads = 12;
    int each = 200;
    String body = "x".repeat(9_000); // several pages per record: a torn or interleaved write would show
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Set<String>>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      results.add(pool.submit(() -> {
        Inbox inbox = new Inbox(home, "many");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < each; i++) {
          Envelope e = new Envelope(EventIds.next(), Timestamps.now(), "box", 1L,
              new Message("t", Message.Direction.INBOUND, null, null, null, body, null));
          inbox.append(e);
          ids.add(e.eventId());
        }
        return ids;
      }));
    }
    Set<String> written = new HashSet<>();
    for (Future<Set<String>> f : results) {
      written.addAll(f.get());
    }
    pool.shutdown();
    Set<String> read = new HashSet<>();
    int blank = 0;
    for (String line : Files.readAllLines(home.inboxFile("many", LocalDate.now(ZoneOffset.UTC)))) {
      if (line.isEmpty()) {
        blank++;
        continue;
      }
      Envelope e = EnvelopeCodec.decode(line.getBytes(StandardCharsets.UTF_8));
      assertEquals(body, ((Message) e.event()).body());
      assertTrue(read.add(e.eventId()), "duplicate " + e.eventId());
    }
    assertEquals(threads * each, written.size());
    assertEquals(written, read);
    assertEquals(threads * each, blank, "one blank line per record: its leading newline");
  }

  @Test
  void aShortWriteOnAFullDiskFailsTheAppendAndTheNextRecordIsWhole() throws Exception {
    Tmpfs.assumeAvailable(tmp);
    Home home = new Home(tmp.resolve("home"));
    Tmpfs.mount(home.inboxDir(), "256k");
    try {
      Inbox inbox = new Inbox(home, "cli");
      inbox.append(tick("before"));
      Path filler = Tmpfs.fill(home.inboxDir(), "filler");
      try (var channel = java.nio.channels.FileChannel.open(filler, java.nio.file.StandardOpenOption.WRITE)) {
        channel.truncate(channel.size() - 48 * 1024); // room for part of the next record, not all of it
      }
      Envelope big = new Envelope(EventIds.next(), Timestamps.now(), "box", 1L,
          new Message("t", Message.Direction.INBOUND, null, null, null, "y".repeat(100_000), null));
      IOException e = assertThrows(IOException.class, () -> inbox.append(big));
      assertTrue(e.getMessage().contains("short write") || e.getMessage().contains("No space"), e.getMessage());
      Path file = home.inboxFile("cli", LocalDate.now(ZoneOffset.UTC));
      long afterFailure = Files.size(file);

      Files.delete(filler);
      Envelope after = tick("after");
      inbox.append(after);
      List<String> lines = Files.readAllLines(file);
      assertEquals(after, EnvelopeCodec.decode(lines.get(lines.size() - 1).getBytes(StandardCharsets.UTF_8)),
          "the record after the failure is a whole line of its own");
      assertTrue(afterFailure > 0);
      assertEquals("before", ((Tick) EnvelopeCodec.decode(lines.get(1).getBytes(StandardCharsets.UTF_8)).event()).source());
      for (String line : lines.subList(2, lines.size() - 1)) {
        assertFalse(line.contains("\"source\":\"after\""), "the fragment did not swallow the next record");
      }
    } finally {
      Tmpfs.unmount(home.inboxDir());
    }
  }

  @Test
  void fileNamesParseOnlyWhenTheyHaveTheInboxShape() {
    LocalDate day = LocalDate.of(2026, 11, 25);
    assertEquals(Optional.of(new Inbox.FileName("watchdog-events", day)), Inbox.FileName.parse("watchdog-events-2026-11-25.jsonl"));
    assertEquals("cli-2026-11-25.jsonl", new Inbox.FileName("cli", day).toString());
    for (String name : List.of("cli-2026-11-25.json", "Cli-2026-11-25.jsonl", "cli-2026-13-01.jsonl", "-2026-11-25.jsonl",
        "cli-2026-11-25.jsonl.tmp", "cli.jsonl", "a b-2026-11-25.jsonl", "done")) {
      assertEquals(Optional.empty(), Inbox.FileName.parse(name), name);
    }
    for (String bad : List.of("", "Cli", "a/b", "..", "a.b", "é")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Inbox(new Home(tmp), bad));
      assertTrue(e.getMessage().contains("a-z, 0-9, _ and -"), e.getMessage());
    }
    assertEquals(Inbox.MAX_LINE_BYTES, EnvelopeCodec.MAX_LINE_BYTES);
  }

  @Test
  void derivedLineIdsDependOnFileAndOffsetOnlyAndGrowWithTheOffset() {
    LocalDate day = LocalDate.of(2026, 11, 25);
    byte[] fileA = "sha256:aaaa".getBytes(StandardCharsets.UTF_8);
    byte[] fileB = "sha256:bbbb".getBytes(StandardCharsets.UTF_8);
    assertEquals(EventIds.derivedForLine(day, fileA, 100), EventIds.derivedForLine(day, fileA, 100));
    assertFalse(EventIds.derivedForLine(day, fileA, 100).equals(EventIds.derivedForLine(day, fileB, 100)));
    String previous = "";
    for (long offset : new long[] {0, 1, 2, 255, 256, 4095, 1L << 28, (1L << 28) + 1, 1L << 36, EventIds.MAX_LINE_OFFSET}) {
      String id = EventIds.derivedForLine(day, fileA, offset);
      assertTrue(id.compareTo(previous) > 0, id + " after " + previous);
      java.util.UUID uuid = java.util.UUID.fromString(id);
      assertEquals(8, uuid.version());
      assertEquals(2, uuid.variant());
      long millis = uuid.getMostSignificantBits() >>> 16;
      assertEquals(day, java.time.Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate(), "the id's time is the file's day");
      previous = id;
    }
    assertThrows(IllegalArgumentException.class, () -> EventIds.derivedForLine(day, fileA, EventIds.MAX_LINE_OFFSET + 1));
    assertThrows(IllegalArgumentException.class, () -> EventIds.derivedForLine(day, fileA, -1));
  }
}
