package dev.metadb.replay;

import dev.metadb.event.Envelope;
import dev.metadb.ingester.lines.FileDates;
import dev.metadb.ingester.lines.FileIdentity;
import dev.metadb.ingester.lines.Ledger;
import dev.metadb.ingester.lines.LineFormat;
import dev.metadb.ingester.lines.LineReader;
import dev.metadb.ingester.lines.LineVerdict;
import dev.metadb.ingester.lines.Quarantine;
import dev.metadb.ingester.lines.Rejects;
import dev.metadb.store.EventInserter;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Replays one file: the loop every line goes through.
 *
 * <p>ALGORITHM
 *
 * <pre>
 *   identity := FileIdentity of the file          (none yet: nothing complete to apply, stop)
 *   row      := the ledger row with that identity (Ledger.find)
 *   start    := row.offset if it fits the file (not past the end, just after '\n'), else 0
 *   for each complete line from start:
 *       oversized | invalid UTF-8 | not a valid envelope  -> quarantine, with the reason
 *       blank (empty or whitespace)                      -> skip
 *       otherwise                                        -> batch
 *       every batchLines lines (a file of garbage commits too, or its rejects pile up), or once
 *       the batch holds EventInserter.MAX_BATCH_BYTES of lines: commit
 *   if the file is finished (see below): take the shared lock writers append under, read what
 *       completed meanwhile, and treat a trailing fragment as a last line (applied if it is a
 *       whole valid envelope without its '\n', quarantined otherwise)
 *   commit
 *   finished, fully read, in logs/, not a trail: move to logs/replayed/, re-key the ledger row
 *
 *   commit := force quarantine entries; one transaction { insert the batch (OR IGNORE);
 *             ledger row := (identity, offset after the last line consumed, counts) }
 * </pre>
 *
 * <p>FINISHED means no writer can append any more: the name's date is before today (UTC) and the
 * file has not been modified for {@link ReplayRequest#settle()}. Other files (today's, undated
 * ones) are read up to their last complete line; the rest waits for a later run.
 */
final class FileReplay {
  private final ReplayRequest request;
  private final ReplayTarget target;
  private final ReplayProgress progress;

  private Path file;
  private LineFormat format;
  private FileChannel channel;
  private Rejects rejects;
  private Ledger.Entry stored;
  private Ledger.Entry current;
  private final List<Envelope> batch = new ArrayList<>();
  private int batchRejects;
  private int linesSinceCommit;
  /** Bytes of the lines batched since the last commit: a batch also commits at {@link EventInserter#MAX_BATCH_BYTES}. */
  private long bytesSinceCommit;
  private long consumedUpTo;
  private long reported;
  private long inserted;
  private long duplicates;
  private long quarantined;
  private long blank;

  FileReplay(ReplayRequest request, ReplayTarget target, ReplayProgress progress) {
    this.request = request;
    this.target = target;
    this.progress = progress;
  }

  FileResult replay(ReplaySource source) throws IOException, SQLException {
    file = source.file();
    format = source.format();
    boolean finished = finished(file);
    long pending;
    long alreadyDone = 0;
    try (FileChannel opened = FileChannel.open(file, StandardOpenOption.READ)) {
      channel = opened;
      Optional<FileIdentity> identity = FileIdentity.read(channel, file, finished);
      if (identity.isEmpty()) {
        pending = channel.size();
        progress.advance(pending);
        return result(finished && pending == 0 && movable(source) ? moveAway(null) : null, pending, 0);
      }
      stored = Ledger.find(target.ledger(), file, identity.get()).orElse(null);
      long start = stored != null && fits(stored.offset()) ? stored.offset() : 0;
      current = start == 0
          ? new Ledger.Entry(file.toString(), identity.get(), 0, 0, 0)
          : new Ledger.Entry(stored.file(), identity.get(), start, stored.linesApplied(), stored.linesQuarantined());
      consumedUpTo = start;
      reported = start;
      progress.advance(start);
      alreadyDone = LineReader.countNewlines(channel, start);
      LineReader reader = new LineReader(channel, start, alreadyDone + 1, request.maxLineBytes());
      try (Rejects fileRejects = request.dryRun() ? Rejects.DISCARD : new Quarantine(request.home().quarantineDir(), file, identity.get())) {
        rejects = fileRejects;
        readAll(reader);
        if (finished && reader.pendingLength() > 0) {
          readTrailing(reader);
        }
        commit();
      }
      pending = reader.pendingLength();
      progress.advance(consumedUpTo + pending - reported);
      boolean fullyRead = pending == 0 && consumedUpTo == channel.size();
      Path movedTo = finished && fullyRead && movable(source) ? moveAway(current) : null;
      return result(movedTo, pending, alreadyDone);
    }
  }

  private FileResult result(Path movedTo, long pending, long alreadyDone) {
    return new FileResult(file, movedTo, inserted, duplicates, quarantined, blank, pending, alreadyDone);
  }

  private void readAll(LineReader reader) throws IOException, SQLException {
    while (reader.next()) {
      handle(reader);
      if (linesSinceCommit >= request.batchLines() || bytesSinceCommit >= EventInserter.MAX_BATCH_BYTES) {
        commit();
      }
    }
  }

  /**
   * The file is finished but ends without '\n'. Under the shared lock no writer is mid-line (the
   * spool appends whole lines under an exclusive lock), so what is still incomplete is the file's
   * last line for good.
   */
  private void readTrailing(LineReader reader) throws IOException, SQLException {
    FileLock lock;
    try {
      lock = channel.lock(0, Long.MAX_VALUE, true);
    } catch (OverlappingFileLockException e) {
      return; // this JVM is appending to the file right now: it is not finished after all
    }
    try (lock) {
      readAll(reader);
      if (reader.pendingLength() > 0) {
        reader.takeTrailing();
        handle(reader);
      }
    }
  }

  private void handle(LineReader line) throws IOException {
    LineVerdict verdict = LineVerdict.of(line, format, request.maxLineBytes());
    if (verdict instanceof LineVerdict.Event event) {
      batch.add(event.envelope());
      bytesSinceCommit += line.contentLength();
    } else if (verdict instanceof LineVerdict.Reject reject) {
      rejects.reject(line, reject.reason(), channel);
      batchRejects++;
      quarantined++;
    } else {
      blank++;
    }
    consumedUpTo = line.end();
    linesSinceCommit++;
  }

  private void commit() throws IOException, SQLException {
    if (linesSinceCommit == 0) {
      return;
    }
    rejects.sync();
    Ledger.Entry next = current.advancedTo(file.toString(), consumedUpTo, batch.size(), batchRejects);
    ReplayTarget.BatchOutcome outcome = target.commit(batch, stored, next);
    inserted += outcome.inserted();
    duplicates += outcome.duplicates();
    stored = next;
    current = next;
    batch.clear();
    batchRejects = 0;
    linesSinceCommit = 0;
    bytesSinceCommit = 0;
    progress.advance(consumedUpTo - reported);
    reported = consumedUpTo;
  }

  /**
   * Whether a ledger offset can be where this file's lines stopped: 0, just after a '\n', or the
   * end of a finished file whose last line (taken as torn or applied) had no '\n'.
   */
  private boolean fits(long offset) throws IOException {
    long size = channel.size();
    if (offset == 0 || offset == size) {
      return true;
    }
    if (offset > size) {
      return false;
    }
    ByteBuffer before = ByteBuffer.allocate(1);
    return channel.read(before, offset - 1) == 1 && before.get(0) == '\n';
  }

  private boolean finished(Path path) throws IOException {
    Instant now = request.clock().instant();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    if (FileDates.mayStillBeWritten(path, today)) {
      return false;
    }
    Instant modified = Files.getLastModifiedTime(path).toInstant();
    return !modified.isAfter(now.minus(request.settle()));
  }

  /** Only spool files directly in the home's logs directory move; others belong to their owner. */
  private boolean movable(ReplaySource source) {
    return !source.isTrail() && request.home().logsDir().equals(file.getParent());
  }

  /**
   * Moves the finished file to logs/replayed/ (a dry run only names the destination). The name
   * is kept; if a file of that name is there already, the identity hash is added to it.
   */
  private Path moveAway(Ledger.Entry entry) throws IOException, SQLException {
    Path dir = request.home().replayedDir();
    String name = file.getFileName().toString();
    Path destination = dir.resolve(name);
    if (Files.exists(destination) && entry != null) {
      String base = name.endsWith(Home.SPOOL_SUFFIX) ? name.substring(0, name.length() - Home.SPOOL_SUFFIX.length()) : name;
      destination = dir.resolve(base + "." + entry.identity().shortHash() + Home.SPOOL_SUFFIX);
    }
    if (request.dryRun()) {
      return destination;
    }
    if (Files.exists(destination)) {
      return null; // never replace a file in replayed/: this one stays where it is, for a person to look at
    }
    Home.createPrivateDirectories(dir);
    Files.move(file, destination, StandardCopyOption.ATOMIC_MOVE);
    if (entry != null) {
      Ledger.Entry moved = new Ledger.Entry(
          destination.toString(), entry.identity(), entry.offset(), entry.linesApplied(), entry.linesQuarantined());
      target.moved(stored, moved);
    }
    return destination;
  }
}
