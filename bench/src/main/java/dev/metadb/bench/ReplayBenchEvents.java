package dev.metadb.bench;

import dev.metadb.event.CliInvocation;
import dev.metadb.event.Crash;
import dev.metadb.event.Envelope;
import dev.metadb.event.Event;
import dev.metadb.event.EventIds;
import dev.metadb.event.Message;
import dev.metadb.event.Session;
import dev.metadb.event.Tick;
import dev.metadb.event.Timestamps;
import dev.metadb.event.WatchdogEvent;

/**
 * The events of {@link ReplayBench}: a mix of the tables written most (messages, ticks, CLI
 * calls, sessions, watchdog events, crashes), real-sized (150-400 byte envelopes), with
 * time-ordered ids as the writer mints them.
 */
final class ReplayBenchEvents {
  private ReplayBenchEvents() {}

  static Envelope envelope(long n) {
    return new Envelope(EventIds.next(), Timestamps.now(), "bench-host", 4242L, event(n));
  }

  private static Event event(long n) {
    String agent = "agent" + (n % 6);
    String detail = "{\"n\":" + n + ",\"note\":\"benchmark\"}";
    return switch ((int) (n % 6)) {
      case 0 -> new Message("bus", n % 2 == 0 ? Message.Direction.INBOUND : Message.Direction.OUTBOUND, "chat-" + (n % 17),
          agent, "agent" + ((n + 1) % 6), "status update " + n + ": build green, 3 files changed, waiting on review", detail);
      case 1 -> new Tick("watchdog", detail);
      case 2 -> new CliInvocation("metadb", "[\"record\",\"messages\"]", 0L, 12L + n % 50);
      case 3 -> new Session(agent, n % 40, Session.Kind.UP);
      case 4 -> new WatchdogEvent("heartbeat-missed", agent, "warn", "open", detail);
      default -> new Crash("panic", agent, detail);
    };
  }
}
