package dev.metadb.writer;

import dev.metadb.event.CliInvocation;
import dev.metadb.event.CloneDispatch;
import dev.metadb.event.CommunicationEvent;
import dev.metadb.event.Crash;
import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeBytes;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.Event;
import dev.metadb.event.EventIds;
import dev.metadb.event.EventValidator;
import dev.metadb.event.GitOperation;
import dev.metadb.event.HarvestEvent;
import dev.metadb.event.InvalidEventException;
import dev.metadb.event.IrohEvent;
import dev.metadb.event.McpToolCall;
import dev.metadb.event.Message;
import dev.metadb.event.OwnerDirective;
import dev.metadb.event.Session;
import dev.metadb.event.SourceError;
import dev.metadb.event.SpoolStamp;
import dev.metadb.event.Tick;
import dev.metadb.event.Timestamps;
import dev.metadb.event.TokenUsage;
import dev.metadb.event.WatchdogEvent;
import dev.metadb.event.Workspace;
import dev.metadb.writer.RecordResult.Status;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writer library: record events from any thread of any process, never waiting on a database.
 *
 * <pre>
 * try (MetaDb db = MetaDb.open()) {
 *   db.recordCli("git", "[\"git\",\"push\"]", 0L, 412L);
 *   db.record(new Tick("watchdog", null));
 * }
 * </pre>
 *
 * <p>THE RECORD PATH ({@link #record}): validate, stamp (UUIDv7 id, microsecond UTC time, host,
 * pid), encode the envelope into this thread's reusable buffer, append it to this process's writer
 * slot. Nothing on it takes a lock of metadb's own; Chronicle's slot lock is shared only by this
 * process's threads.
 *
 * <p>GUARANTEES. {@code record} returns within the configured bounds ({@link WriterConfig}) and
 * never throws for a storage failure: if the queue cannot take the event (no slot, directory
 * missing or a file in its place, disk full, mapping failure, lock timeout) the event is appended
 * to the {@link ErrorSpool} and the result says SPOOLED with the reason; if the spool fails too,
 * the result says FAILED and one line goes to stderr. An invalid event is the caller's bug and is
 * refused with {@link IllegalArgumentException} naming the table and field.
 *
 * <p>LIFECYCLE. One open queue per home per process: {@link #open} returns the same instance to
 * every caller in the process and counts them; the queue closes when the last caller closes it,
 * or at JVM shutdown. After a queue failure, record calls retry the queue at most once per {@code
 * retryInterval}; until then they spool.
 */
public final class MetaDb implements AutoCloseable {
  private static final Map<Path, MetaDb> OPEN = new HashMap<>();

  private final Home home;
  private final WriterConfig config;
  private final ErrorSpool spool;
  private final ReentrantLock reopen = new ReentrantLock();
  private final Thread shutdownHook;
  private final ThreadLocal<EnvelopeBytes> buffer = ThreadLocal.withInitial(EnvelopeBytes::new);
  private volatile WriterSlot slot;
  private volatile String queueFailure;
  private volatile long retryAt;
  private int users;
  private boolean closed;

  private MetaDb(Home home, WriterConfig config) {
    this.home = home;
    this.config = config;
    this.spool = new ErrorSpool(home);
    this.shutdownHook = new Thread(this::closeQuietly, "metadb-writer-shutdown");
  }

  /** Opens the writer for the default home ({@code $METADB_HOME}, else {@code ~/.metadb}). */
  public static MetaDb open() {
    return open(Home.resolve(null).dir());
  }

  /** Opens the writer for {@code home}, with limits from {@link WriterConfig#fromEnvironment()}. */
  public static MetaDb open(Path home) {
    return open(home, WriterConfig.fromEnvironment());
  }

  /**
   * Opens the writer for {@code home}. Never fails for a storage problem: when no slot can be
   * claimed within {@code claimTimeout}, the writer starts in spool mode and retries later. Fails
   * at once with {@link MissingJvmFlagsException} in a JVM started without Chronicle's flags.
   *
   * @throws UnusableHomeException when the home is not a directory, cannot be created, or is not
   *     private to this user ({@link Home#prepare()}): events are never written into it
   */
  public static MetaDb open(Path home, WriterConfig config) {
    JvmFlags.check();
    Home h = new Home(home).prepare();
    synchronized (OPEN) {
      MetaDb db = OPEN.get(h.dir());
      if (db == null) {
        db = new MetaDb(h, config);
        db.reopenQueue();
        Runtime.getRuntime().addShutdownHook(db.shutdownHook);
        OPEN.put(h.dir(), db);
      }
      db.users++;
      return db;
    }
  }

  /** Records one event. See the class comment for what each result means. */
  public RecordResult record(Event event) {
    try {
      EventValidator.check(event);
    } catch (InvalidEventException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    Envelope envelope = new Envelope(EventIds.next(), Timestamps.now(), Origin.self().host(), Origin.self().pid(), event);
    EnvelopeBytes buf = buffer.get();
    EnvelopeCodec.encode(envelope, null, buf);
    WriterSlot s = slot;
    if (s == null) {
      s = retryQueue();
    }
    String failure;
    if (s != null) {
      try {
        s.append(buf.bytes(), buf.size());
        if (s.intact()) {
          return new RecordResult(Status.QUEUED, envelope.eventId(), null);
        }
        failure = "queue directory " + s.dir() + " disappeared during the append";
      } catch (Throwable t) {
        failure = "queue append failed: " + ErrorText.oneLine(t);
      }
      queueFailed(s, failure);
    } else {
      failure = queueFailure;
    }
    return spool(envelope, failure);
  }

  private RecordResult spool(Envelope envelope, String queueReason) {
    try {
      spool.append(envelope, new SpoolStamp(SpoolStamp.WRITER, queueReason, Timestamps.now()));
      return new RecordResult(Status.SPOOLED, envelope.eventId(), queueReason);
    } catch (Throwable t) {
      String reason = "queue: " + queueReason + "; spool: " + ErrorText.oneLine(t);
      System.err.println(
          "metadb: could not record " + envelope.table().sqlName() + " event " + envelope.eventId() + ": " + reason);
      return new RecordResult(Status.FAILED, envelope.eventId(), reason);
    }
  }

  /** Off the hot path: at most one thread at a time, at most once per retryInterval. */
  private WriterSlot retryQueue() {
    if (System.nanoTime() - retryAt < 0 || !reopen.tryLock()) {
      return null;
    }
    try {
      return slot != null ? slot : reopenQueue();
    } finally {
      reopen.unlock();
    }
  }

  private WriterSlot reopenQueue() {
    try {
      WriterSlot s = WriterSlot.claim(home, config);
      queueFailure = null;
      slot = s;
      return s;
    } catch (Throwable t) {
      noteFailure("cannot open the queue: " + ErrorText.oneLine(t));
      return null;
    }
  }

  private void queueFailed(WriterSlot failed, String reason) {
    reopen.lock();
    try {
      if (slot == failed) {
        slot = null;
        noteFailure(reason);
        try {
          failed.close();
        } catch (Throwable ignored) {
          // The slot is already unusable; closing it is best effort and its error adds nothing.
        }
      }
    } finally {
      reopen.unlock();
    }
  }

  private void noteFailure(String reason) {
    if (queueFailure == null) {
      System.err.println("metadb: " + reason + "; recording to the spool in " + home.logsDir() + " until it recovers");
    }
    queueFailure = reason;
    retryAt = System.nanoTime() + config.retryInterval().toNanos();
  }

  /** The home this writer records into. */
  public Home home() {
    return home;
  }

  /** The writer slot number this process appends to, or -1 while the queue is unusable. */
  public int slotNumber() {
    WriterSlot s = slot;
    return s == null ? -1 : s.number();
  }

  /** Releases this caller's use; the queue closes when the last caller in the process closes. */
  @Override
  public void close() {
    synchronized (OPEN) {
      if (closed || --users > 0) {
        return;
      }
      OPEN.remove(home.dir());
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or about to: it closes the slot.
      }
    }
    closeQuietly();
  }

  private void closeQuietly() {
    reopen.lock();
    try {
      closed = true;
      WriterSlot s = slot;
      slot = null;
      queueFailure = "writer is closed";
      retryAt = Long.MAX_VALUE;
      if (s != null) {
        s.close();
      }
    } catch (Throwable t) {
      System.err.println("metadb: closing the writer slot: " + ErrorText.oneLine(t));
    } finally {
      reopen.unlock();
    }
  }

  // One method per table: the typed way to record. Each builds the record and calls record(Event).

  public RecordResult recordMessage(
      String source, Message.Direction direction, String chatId, String fromAgent, String toAgent, String body, String rawJson) {
    return record(new Message(source, direction, chatId, fromAgent, toAgent, body, rawJson));
  }

  public RecordResult recordCli(String bin, String argvJson, Long exitCode, Long durationMs) {
    return record(new CliInvocation(bin, argvJson, exitCode, durationMs));
  }

  public RecordResult recordCrash(String kind, String agent, String detailJson) {
    return record(new Crash(kind, agent, detailJson));
  }

  public RecordResult recordTick(String source, String detailJson) {
    return record(new Tick(source, detailJson));
  }

  public RecordResult recordWorkspace(String name, String branch, Instant created, Instant deleted, String verdict) {
    return record(new Workspace(name, branch, created, deleted, verdict));
  }

  public RecordResult recordSession(String agent, Long sessionNum, Session.Kind event) {
    return record(new Session(agent, sessionNum, event));
  }

  public RecordResult recordCloneDispatch(
      String cloneId, String agent, String brief, String branch, String status, Long exitCode, String detailJson) {
    return record(new CloneDispatch(cloneId, agent, brief, branch, status, exitCode, detailJson));
  }

  public RecordResult recordHarvest(
      String sourceBranch, String targetBranch, String commitSha, String status, Long conflicts, String detailJson) {
    return record(new HarvestEvent(sourceBranch, targetBranch, commitSha, status, conflicts, detailJson));
  }

  public RecordResult recordCommunication(CommunicationEvent event) {
    return record(event);
  }

  public RecordResult recordMcpToolCall(McpToolCall event) {
    return record(event);
  }

  public RecordResult recordGitOperation(
      String operation, String repo, String branch, String remote, String fromSha, String toSha, String status, String detailJson) {
    return record(new GitOperation(operation, repo, branch, remote, fromSha, toSha, status, detailJson));
  }

  public RecordResult recordOwnerDirective(
      String source, String chatId, String rawText, String resolvedAction, String agent, String status, String detailJson) {
    return record(new OwnerDirective(source, chatId, rawText, resolvedAction, agent, status, detailJson));
  }

  public RecordResult recordTokenUsage(TokenUsage event) {
    return record(event);
  }

  public RecordResult recordWatchdog(String event, String agent, String severity, String status, String detailJson) {
    return record(new WatchdogEvent(event, agent, severity, status, detailJson));
  }

  public RecordResult recordSourceError(String source, SourceError.ErrorClass errorClass, Long count, String detailJson) {
    return record(new SourceError(source, errorClass, count, detailJson));
  }

  public RecordResult recordIroh(IrohEvent.EventType eventType, String peerHash, String detailJson) {
    return record(new IrohEvent(eventType, peerHash, detailJson));
  }
}
