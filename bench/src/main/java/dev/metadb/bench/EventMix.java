package dev.metadb.bench;

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
import java.time.Instant;
import java.util.UUID;

/**
 * The events every benchmark writes, made from a sequence number so that two runs (and the two
 * topologies of one run) write the same rows.
 *
 * <p>{@link #message} and {@link #dispatch} are the seed's workload (a channel message, a clone
 * dispatch); {@link #mixed} cycles through all 16 tables for the throughput figures. Sizes are
 * those of real events: a one-line body, a small JSON detail object, 150-400 bytes of envelope.
 *
 * <p>{@link #envelope} gives event {@code n} a fixed identity: a UUIDv7-shaped id whose time and
 * counter fields grow with {@code n} (so SQLite's UNIQUE index is appended to, as with
 * {@code EventIds.next()}), and a timestamp one microsecond after its predecessor's.
 */
final class EventMix {
  /** 2026-01-01T00:00:00Z: the first fixed-identity event's timestamp. */
  private static final long BASE_MICROS = 1_767_225_600_000_000L;

  private static final String[] AGENTS = {"agent0", "agent1", "agent2", "agent3", "agent4", "agent5"};
  private static final String[] STATUSES = {"ok", "failed", "running", "merged"};

  private EventMix() {}

  /** A channel message, the seed's most frequent write. */
  static Message message(long n) {
    return new Message(
        "bus",
        n % 2 == 0 ? Message.Direction.INBOUND : Message.Direction.OUTBOUND,
        "chat-" + (n % 17),
        agent(n),
        agent(n + 1),
        "status update " + n + ": build green, 3 files changed, waiting on review from the owner",
        "{\"seq\":" + n + ",\"kind\":\"text\"}");
  }

  /** A clone dispatch with a duration in its detail, the seed's grouped-average workload. */
  static CloneDispatch dispatch(long n) {
    return new CloneDispatch(
        "clone-" + (n % 64),
        agent(n),
        "fix flaky test in module " + (n % 9),
        "work/" + n,
        STATUSES[(int) (n % STATUSES.length)],
        n % 5 == 0 ? 1L : 0L,
        "{\"duration_ms\":" + (100 + n % 900) + "}");
  }

  /** Event {@code n} of the 16-table mix: table {@code n mod 16}, in {@link Table} order. */
  static Event mixed(long n) {
    Instant at = Instant.ofEpochSecond(1_767_225_600L + n);
    String detail = "{\"n\":" + n + ",\"note\":\"benchmark\"}";
    return switch (Table.values()[(int) (n % Table.values().length)]) {
      case MESSAGES -> message(n);
      case CLI_INVOCATIONS -> new CliInvocation("metadb", "[\"record\",\"messages\"]", 0L, 12L + n % 50);
      case CRASHES -> new Crash("panic", agent(n), detail);
      case TICKS -> new Tick("watchdog", detail);
      case WORKSPACES -> new Workspace("ws-" + n, "work/" + n, at, null, null);
      case SESSIONS -> new Session(agent(n), n % 40, Session.Kind.UP);
      case CLONE_DISPATCHES -> dispatch(n);
      case HARVEST_EVENTS -> new HarvestEvent("work/" + n, "main", sha(n), "merged", 0L, detail);
      case COMMUNICATION_EVENTS -> new CommunicationEvent(
          "imessage", "send", "outbound", "m-" + n, "chat-" + (n % 17), "owner", agent(n),
          "reply " + n, "delivered", detail);
      case MCP_TOOL_CALLS -> new McpToolCall(
          "mcp", "read_file", agent(n), at, at.plusMillis(35), 35L, true, null, false,
          "{\"path\":\"src/main.rs\"}", "{\"bytes\":1024}");
      case GIT_OPERATIONS -> new GitOperation("push", "netsky", "work/" + n, "origin", sha(n), sha(n + 1), "ok", detail);
      case OWNER_DIRECTIVES -> new OwnerDirective("imessage", "chat-1", "ship it " + n, "merge", agent(n), "done", detail);
      case TOKEN_USAGE -> new TokenUsage("s-" + (n % 100), agent(n), "claude", "model-x", 1200L, 340L, 800L, 4100L, detail);
      case WATCHDOG_EVENTS -> new WatchdogEvent("restart", agent(n), "warn", "done", detail);
      case SOURCE_ERRORS -> new SourceError("email", SourceError.ErrorClass.TIMEOUT, 1L, detail);
      case IROH_EVENTS -> new IrohEvent(IrohEvent.EventType.CONNECT, sha(n).substring(0, 16), detail);
    };
  }

  /** {@link #mixed} event {@code n} with its fixed identity (see the class comment). */
  static Envelope envelope(long n, long pid) {
    long micros = BASE_MICROS + n;
    long millis = micros / 1000;
    long msb = (millis << 16) | 0x7000L | (micros % 1000);
    long lsb = 0x8000000000000000L | n;
    Instant ts = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
    return new Envelope(new UUID(msb, lsb).toString(), ts, "bench-host", pid, mixed(n));
  }

  private static String agent(long n) {
    return AGENTS[(int) (n % AGENTS.length)];
  }

  private static String sha(long n) {
    return String.format("%040x", n * 2654435761L);
  }
}
