package dev.metadb.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the writers were told: every event id a record call returned, with its status and the
 * writer's tag and sequence number. The one side of the books; {@link Audit} reads the other.
 *
 * <p>RECORDED means QUEUED or SPOOLED: metadb promised to store it, so it must land in meta.db
 * exactly once. FAILED means the writer was told the event is not stored.
 *
 * <p>Thread-safe.
 */
final class Books {
  enum Status { QUEUED, SPOOLED, FAILED }

  /** One record call's outcome as the writer saw it. */
  record Told(String tag, long seq, Status status) {
    boolean recorded() {
      return status != Status.FAILED;
    }
  }

  private final Map<String, Told> byId = new HashMap<>();
  private final Map<String, Long> lastSeq = new HashMap<>();
  private final Set<String> killed = new HashSet<>();
  private final Map<Status, Long> counts = new HashMap<>();
  private final Map<String, Long> reasons = new HashMap<>();

  /**
   * Enters a finished writer's output file ({@link FaultWriter}'s protocol). Only complete lines
   * count: a line cut short by SIGKILL was not fully reported, so its event is treated as the
   * in-flight one.
   */
  void readWriterOutput(String tag, Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    if (end < 0) {
      return;
    }
    for (String line : text.substring(0, end).split("\n")) {
      writerLine(tag, line);
    }
  }

  /** Parses one line of {@link FaultWriter}'s output protocol; other lines are ignored. */
  void writerLine(String tag, String line) {
    if (line.length() < 3 || line.charAt(1) != ' ') {
      return;
    }
    Status status = switch (line.charAt(0)) {
      case 'Q' -> Status.QUEUED;
      case 'S' -> Status.SPOOLED;
      case 'F' -> Status.FAILED;
      default -> null;
    };
    if (status == null) {
      return;
    }
    int space = line.indexOf(' ', 2);
    int idEnd = line.indexOf(' ', space + 1);
    String id = idEnd < 0 ? line.substring(space + 1) : line.substring(space + 1, idEnd);
    told(tag, Long.parseLong(line.substring(2, space)), id, status);
    if (idEnd > 0) {
      reason(status, line.substring(idEnd + 1));
    }
  }

  private synchronized void reason(Status status, String reason) {
    String kind = reason.replaceAll("/[^ :;]*", "<path>").replaceAll("[0-9]+", "N");
    reasons.merge(status + ": " + (kind.length() > 120 ? kind.substring(0, 117) + "..." : kind), 1L, Long::sum);
  }

  /** Why events were spooled or failed, by kind of reason (paths and numbers blanked), with counts. */
  synchronized Map<String, Long> reasons() {
    return new java.util.TreeMap<>(reasons);
  }

  synchronized void told(String tag, long seq, String eventId, Status status) {
    Told before = byId.put(eventId, new Told(tag, seq, status));
    if (before != null) {
      throw new AssertionError("event id " + eventId + " returned twice: " + before + " and " + tag + ":" + seq);
    }
    lastSeq.merge(tag, seq, Math::max);
    counts.merge(status, 1L, Long::sum);
  }

  synchronized void killed(String tag) {
    killed.add(tag);
  }

  synchronized Told get(String eventId) {
    return byId.get(eventId);
  }

  synchronized boolean wasKilled(String tag) {
    return killed.contains(tag);
  }

  /** The highest sequence number {@code tag} reported, or -1. */
  synchronized long lastSeq(String tag) {
    return lastSeq.getOrDefault(tag, -1L);
  }

  synchronized long count(Status status) {
    return counts.getOrDefault(status, 0L);
  }

  synchronized long recorded() {
    return count(Status.QUEUED) + count(Status.SPOOLED);
  }

  synchronized Map<String, Told> snapshot() {
    return Map.copyOf(byId);
  }
}
