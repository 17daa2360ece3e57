package dev.metadb.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {
  /** One event per table with every column set, then one with only the required columns. */
  static List<Event> everyTable(boolean full) {
    Instant t = Instant.parse("2026-11-25T02:44:00.123456Z");
    String j = full ? "{\"k\":[1,\"\\u00e9\\n\"]}" : null;
    String s = full ? "line1\nline2 \"quoted\" \u00e9\u4e2d" : null;
    Long n = full ? -9_000_000_000L : null;
    Boolean b = full ? Boolean.FALSE : null;
    Instant ts = full ? t : null;
    return List.of(
        new Message("bus", Message.Direction.INBOUND, s, s, s, s, j),
        new CliInvocation("git", j, n, n),
        new Crash("oom", s, j),
        new Tick("watchdog", j),
        new Workspace("ws", s, ts, ts, s),
        new Session("agent", n, Session.Kind.NOTE),
        new CloneDispatch("c1", s, s, s, s, n, j),
        new HarvestEvent("feature", s, s, s, n, j),
        new CommunicationEvent("mail", s, s, s, s, s, s, s, s, j),
        new McpToolCall(s, "search", s, ts, ts, n, b, s, b, j, j),
        new GitOperation("push", s, s, s, s, s, s, j),
        new OwnerDirective("chat", s, s, s, s, s, j),
        new TokenUsage(s, s, s, "model-x", n, n, n, n, j),
        new WatchdogEvent("restart", s, s, s, j),
        new SourceError("imap", SourceError.ErrorClass.RATE_LIMIT, n, j),
        new IrohEvent(IrohEvent.EventType.EVICT, s, j));
  }

  @Test
  void everyTableRoundTripsWithAllColumnsAndWithNulls() throws Exception {
    for (boolean full : new boolean[] {true, false}) {
      List<Event> events = everyTable(full);
      assertEquals(Table.values().length, events.stream().map(Event::table).distinct().count());
      for (Event event : events) {
        Envelope in = new Envelope(EventIds.next(), Timestamps.now(), "host", 42L, event);
        byte[] bytes = EnvelopeCodec.encode(in, null);
        assertFalse(new String(bytes, StandardCharsets.UTF_8).contains("\n"), "one line");
        assertEquals(in, EnvelopeCodec.decode(bytes));
      }
    }
  }

  @Test
  void spoolStampIsWrittenAndAccepted() throws Exception {
    Envelope in = new Envelope(EventIds.next(), Timestamps.now(), "h", 1L, new Tick("t", null));
    String line = new String(EnvelopeCodec.encode(in, new SpoolStamp("writer", "disk full", Timestamps.now())), StandardCharsets.UTF_8);
    assertTrue(line.contains("\"spool\":{\"stage\":\"writer\",\"reason\":\"disk full\""), line);
    assertEquals(in, EnvelopeCodec.decode(line.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void handWrittenLineWithoutIdGetsTheSameDerivedIdEveryTime() throws Exception {
    byte[] line = "{\"table\":\"ticks\",\"ts_utc\":\"2026-11-25T02:44:00Z\",\"data\":{\"source\":\"cron\"}}".getBytes(StandardCharsets.UTF_8);
    Envelope a = EnvelopeCodec.decode(line);
    Envelope b = EnvelopeCodec.decode(line);
    assertEquals(a.eventId(), b.eventId());
    assertEquals(8, UUID.fromString(a.eventId()).version());
    assertEquals(null, a.host());
    byte[] other = "{\"table\":\"ticks\",\"ts_utc\":\"2026-11-25T02:44:00Z\",\"data\":{\"source\":\"cron2\"}}".getBytes(StandardCharsets.UTF_8);
    assertNotEquals(a.eventId(), EnvelopeCodec.decode(other).eventId());
  }

  @Test
  void envelopeErrorsNameTheProblem() {
    assertEquals("ticks.ts_utc: required envelope field is missing", decodeError("{\"table\":\"ticks\",\"data\":{\"source\":\"a\"}}"));
    assertEquals("table: missing table name (tables: " + Table.names() + ")", decodeError("{\"ts_utc\":\"2026-11-25T02:44:00Z\",\"data\":{}}"));
    assertEquals("ticks.v: envelope version 2 is newer than this metadb (1)", decodeError("{\"table\":\"ticks\",\"v\":2,\"ts_utc\":\"2026-11-25T02:44:00Z\",\"data\":{\"source\":\"a\"}}"));
    assertTrue(decodeError("{\"table\":\"ticks\",").startsWith("not valid JSON"));
    assertEquals("expected a JSON object, got the number 42", decodeError("42"));
    assertTrue(decodeError("{\"table\":\"ticks\",\"extra\":1}").startsWith("extra: unknown envelope field"));
  }

  @Test
  void anythingAfterTheEnvelopeIsRefusedNotDropped() {
    String one = "{\"table\":\"ticks\",\"ts_utc\":\"2026-11-25T02:44:00Z\",\"data\":{\"source\":\"a\"}}";
    String two = one.replace("\"a\"", "\"b\"");
    assertTrue(decodeError(one + two).contains("more text after the JSON value"), decodeError(one + two));
    assertTrue(decodeError(one + " junk").contains("more text after the JSON value"));
    assertTrue(decodeError(one + "]").contains("more text after the JSON value"));
    // A queue entry whose length field was damaged to cover more bytes than the entry wrote.
    byte[] padded = java.util.Arrays.copyOf(one.getBytes(StandardCharsets.UTF_8), one.length() + 16);
    assertThrows(InvalidEventException.class, () -> EnvelopeCodec.decode(padded));
    assertEquals("a", ((Tick) assertDoesNotThrowDecode(" " + one + " \t\r")).source());
  }

  private static Event assertDoesNotThrowDecode(String line) {
    try {
      return EnvelopeCodec.decode(line.getBytes(StandardCharsets.UTF_8)).event();
    } catch (InvalidEventException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  private static String decodeError(String line) {
    return assertThrows(InvalidEventException.class, () -> EnvelopeCodec.decode(line.getBytes(StandardCharsets.UTF_8))).getMessage();
  }

  @Test
  void idsAreVersion7UniqueAndIncreasingAcrossThreads() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<List<String>> perThread = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      List<String> ids = new ArrayList<>();
      perThread.add(ids);
      threads.add(new Thread(() -> {
        for (int i = 0; i < 50_000; i++) {
          ids.add(EventIds.next());
        }
      }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    Set<String> all = new HashSet<>();
    for (List<String> ids : perThread) {
      for (int i = 0; i < ids.size(); i++) {
        assertEquals(7, UUID.fromString(ids.get(i)).version());
        if (i > 0) {
          assertTrue(ids.get(i - 1).compareTo(ids.get(i)) < 0, "ids of one thread sort in minting order");
        }
      }
      all.addAll(ids);
    }
    assertEquals(200_000, all.size());
  }
}
