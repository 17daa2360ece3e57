package dev.metadb.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.metadb.event.CliInvocation;
import dev.metadb.event.CloneDispatch;
import dev.metadb.event.CommunicationEvent;
import dev.metadb.event.Crash;
import dev.metadb.event.Envelope;
import dev.metadb.event.Event;
import dev.metadb.event.GitOperation;
import dev.metadb.event.HarvestEvent;
import dev.metadb.event.IrohEvent;
import dev.metadb.event.McpToolCall;
import dev.metadb.event.Message;
import dev.metadb.event.OwnerDirective;
import dev.metadb.event.Session;
import dev.metadb.event.SourceError;
import dev.metadb.event.Table;
import dev.metadb.event.Tick;
import dev.metadb.event.TokenUsage;
import dev.metadb.event.WatchdogEvent;
import dev.metadb.event.Workspace;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every typed {@code record*} method of {@link MetaDb} (the seed's {@code record_*} API, and what
 * the README shows) queues exactly the event it was given: read back from the queue, each of the
 * 16 tables once, every field as passed.
 */
class TypedRecordTest {
  private static final Instant T1 = Instant.parse("2026-12-03T07:00:00.123456Z");
  private static final Instant T2 = Instant.parse("2026-12-03T07:00:02.5Z");

  @TempDir Path tmp;

  @Test
  void eachTypedMethodQueuesItsTableWithEveryFieldAsGiven() throws Exception {
    Home home = new Home(tmp.resolve("home"));
    Map<String, Event> expected = new LinkedHashMap<>();
    try (MetaDb db = MetaDb.open(home.dir())) {
      List<RecordResult> results = new ArrayList<>();
      results.add(db.recordMessage("bus", Message.Direction.INBOUND, "chat-1", "alice", "bob", "hi", "{\"raw\":1}"));
      results.add(db.recordCli("git", "[\"git\",\"status\"]", 0L, 12L));
      results.add(db.recordCrash("panic", "agent-1", "{\"signal\":11}"));
      results.add(db.recordTick("cron", "{\"n\":1}"));
      results.add(db.recordWorkspace("ws", "main", T1, T2, "kept"));
      results.add(db.recordSession("agent-1", 7L, Session.Kind.UP));
      results.add(db.recordCloneDispatch("c-1", "agent-1", "brief", "feature", "ok", 0L, "{}"));
      results.add(db.recordHarvest("feature", "main", "abc123", "merged", 2L, "{}"));
      CommunicationEvent communication =
          new CommunicationEvent("agent-bus", "mail", "outbound", "m-1", "chat-1", "bob", "agent-1", "body", "sent", "{}");
      results.add(db.recordCommunication(communication));
      McpToolCall toolCall = new McpToolCall("mcp", "search", "agent-1", T1, T2, 2377L, true, null, false, "{\"q\":1}", "{\"a\":2}");
      results.add(db.recordMcpToolCall(toolCall));
      results.add(db.recordGitOperation("push", "repo", "main", "origin", "aaa", "bbb", "ok", "{}"));
      results.add(db.recordOwnerDirective("chat", "chat-1", "ship it", "merge", "agent-1", "done", "{}"));
      TokenUsage usage = new TokenUsage("s-1", "agent-1", "claude", "opus", 1000L, 200L, 50L, 1234L, "{}");
      results.add(db.recordTokenUsage(usage));
      results.add(db.recordWatchdog("stall", "agent-1", "warn", "open", "{}"));
      results.add(db.recordSourceError("feed", SourceError.ErrorClass.RATE_LIMIT, 3L, "{}"));
      results.add(db.recordIroh(IrohEvent.EventType.CONNECT, "peer-1", "{}"));

      Event[] events = {
        new Message("bus", Message.Direction.INBOUND, "chat-1", "alice", "bob", "hi", "{\"raw\":1}"),
        new CliInvocation("git", "[\"git\",\"status\"]", 0L, 12L),
        new Crash("panic", "agent-1", "{\"signal\":11}"),
        new Tick("cron", "{\"n\":1}"),
        new Workspace("ws", "main", T1, T2, "kept"),
        new Session("agent-1", 7L, Session.Kind.UP),
        new CloneDispatch("c-1", "agent-1", "brief", "feature", "ok", 0L, "{}"),
        new HarvestEvent("feature", "main", "abc123", "merged", 2L, "{}"),
        communication,
        toolCall,
        new GitOperation("push", "repo", "main", "origin", "aaa", "bbb", "ok", "{}"),
        new OwnerDirective("chat", "chat-1", "ship it", "merge", "agent-1", "done", "{}"),
        usage,
        new WatchdogEvent("stall", "agent-1", "warn", "open", "{}"),
        new SourceError("feed", SourceError.ErrorClass.RATE_LIMIT, 3L, "{}"),
        new IrohEvent(IrohEvent.EventType.CONNECT, "peer-1", "{}"),
      };
      for (int i = 0; i < events.length; i++) {
        assertEquals(RecordResult.Status.QUEUED, results.get(i).status(), events[i] + ": " + results.get(i).reason());
        expected.put(results.get(i).eventId(), events[i]);
      }
    }

    List<Envelope> queued = QueueContents.read(home);
    assertEquals(16, queued.size());
    EnumSet<Table> tables = EnumSet.noneOf(Table.class);
    for (Envelope envelope : queued) {
      assertEquals(expected.get(envelope.eventId()), envelope.event(), "event " + envelope.eventId());
      tables.add(envelope.table());
    }
    assertEquals(EnumSet.allOf(Table.class), tables, "one event per table");
  }
}
