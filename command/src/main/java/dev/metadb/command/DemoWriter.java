package dev.metadb.command;

import dev.metadb.event.CliInvocation;
import dev.metadb.event.CloneDispatch;
import dev.metadb.event.CommunicationEvent;
import dev.metadb.event.Crash;
import dev.metadb.event.Event;
import dev.metadb.event.GitOperation;
import dev.metadb.event.HarvestEvent;
import dev.metadb.event.IrohEvent;
import dev.metadb.event.McpToolCall;
import dev.metadb.event.Message;
import dev.metadb.event.OwnerDirective;
import dev.metadb.event.Session;
import dev.metadb.event.SourceError;
import dev.metadb.event.Tick;
import dev.metadb.event.Timestamps;
import dev.metadb.event.TokenUsage;
import dev.metadb.event.WatchdogEvent;
import dev.metadb.event.Workspace;
import dev.metadb.writer.ChronicleSettings;
import dev.metadb.writer.MetaDb;
import dev.metadb.writer.RecordResult;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * A writer process for {@code metadb demo}: {@code DemoWriter HOME SECONDS RATE SEED} records a
 * realistic mix of all 16 tables at about RATE events/s for SECONDS, and prints {@code recorded N
 * spooled S failed F} (cumulative) on stdout every 200 ms and once at the end, so the demo can
 * show progress and check its books.
 */
public final class DemoWriter {
  private static final String[] AGENTS = {"agent-ada", "agent-bob", "agent-cyd", "watchdog"};
  private static final String[] SOURCES = {"telegram", "slack", "email", "bus"};
  private static final String[] BINS = {"git", "cargo", "npm", "pytest", "rg"};
  private static final String[] MODELS = {"claude-sonnet", "claude-haiku", "gpt-large"};

  private DemoWriter() {}

  public static void main(String[] args) throws Exception {
    ChronicleSettings.disablePhoneHome();
    Path home = Path.of(args[0]);
    long seconds = Long.parseLong(args[1]);
    int rate = Integer.parseInt(args[2]);
    SplittableRandom random = new SplittableRandom(Long.parseLong(args[3]));
    long recorded = 0;
    long spooled = 0;
    long failed = 0;
    try (MetaDb db = MetaDb.open(home)) {
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      long nextReport = start;
      for (long i = 0; System.nanoTime() < end; i++) {
        RecordResult r = db.record(event(random, i));
        switch (r.status()) {
          case QUEUED, INBOX -> recorded++;
          case SPOOLED -> {
            recorded++;
            spooled++;
          }
          case FAILED -> failed++;
        }
        long now = System.nanoTime();
        if (now >= nextReport) {
          System.out.println("recorded " + recorded + " spooled " + spooled + " failed " + failed);
          System.out.flush();
          nextReport = now + 200_000_000L;
        }
        long due = start + (i + 1) * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
      }
    }
    System.out.println("recorded " + recorded + " spooled " + spooled + " failed " + failed);
    System.out.println("done");
  }

  private static Event event(SplittableRandom r, long i) {
    String agent = pick(r, AGENTS);
    String detail = "{\"seq\":" + i + "}";
    Instant now = Timestamps.now();
    return switch (r.nextInt(20)) {
      case 0, 1, 2, 3 -> new Message(pick(r, SOURCES), r.nextBoolean() ? Message.Direction.INBOUND : Message.Direction.OUTBOUND,
          "chat-" + r.nextInt(5), agent, pick(r, AGENTS), "message " + i, "{\"len\":" + r.nextInt(400) + "}");
      case 4, 5, 6 -> new CliInvocation(pick(r, BINS), "[\"" + pick(r, BINS) + "\",\"--flag\"]",
          (long) (r.nextInt(10) == 0 ? 1 : 0), (long) (5 + r.nextInt(r.nextInt(10) == 0 ? 5000 : 400)));
      case 7, 8 -> new TokenUsage("s-" + r.nextInt(50), agent, "runtime-a", pick(r, MODELS), (long) r.nextInt(20000),
          (long) r.nextInt(4000), (long) r.nextInt(10000), (long) r.nextInt(90000), detail);
      case 9 -> new Tick(pick(r, new String[] {"scheduler", "watchdog", "harvester"}), detail);
      case 10 -> new Session(agent, (long) r.nextInt(100), Session.Kind.values()[r.nextInt(3)]);
      case 11 -> new CloneDispatch("clone-" + r.nextInt(1000), agent, "fix the build", "work/" + i,
          r.nextInt(8) == 0 ? "failed" : "ok", (long) r.nextInt(2), "{\"dispatch_ms\":" + (20 + r.nextInt(900)) + "}");
      case 12 -> new McpToolCall("mcp", pick(r, new String[] {"search", "read_file", "run"}), agent, now, now,
          (long) r.nextInt(3000), r.nextInt(10) != 0, null, r.nextInt(50) == 0, "{\"q\":\"x\"}", "{\"ok\":true}");
      case 13 -> new GitOperation(pick(r, new String[] {"fetch", "push", "merge"}), "metadb", "main", "origin",
          "a1b2c3", "d4e5f6", "ok", detail);
      case 14 -> new HarvestEvent("work/" + i, "main", "d4e5f6", r.nextInt(6) == 0 ? "conflict" : "merged",
          (long) r.nextInt(3), detail);
      case 15 -> new CommunicationEvent(pick(r, SOURCES), "send", "outbound", "m-" + i, "chat-1", "@owner", agent,
          "status update", "sent", detail);
      case 16 -> new OwnerDirective("telegram", "chat-1", "ship it", "merge", agent, "done", detail);
      case 17 -> new WatchdogEvent(pick(r, new String[] {"restart", "stall", "ok"}), agent, "info", "ok", detail);
      case 18 -> new SourceError(pick(r, SOURCES), SourceError.ErrorClass.values()[r.nextInt(8)], (long) (1 + r.nextInt(5)), detail);
      default -> r.nextBoolean()
          ? new IrohEvent(IrohEvent.EventType.values()[r.nextInt(5)], "peer-" + r.nextInt(9), detail)
          : r.nextBoolean()
              ? new Crash("panic", agent, "{\"signal\":11}")
              : new Workspace("ws-" + i, "work/" + i, now, null, "kept");
    };
  }

  private static String pick(SplittableRandom r, String[] options) {
    return options[r.nextInt(options.length)];
  }
}
