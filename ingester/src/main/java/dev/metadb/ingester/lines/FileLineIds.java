package dev.metadb.ingester.lines;

import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.EventIds;
import dev.metadb.event.Timestamps;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * The event id and time the ingester gives an inbox or trail line that leaves them out.
 *
 * <p>EVENT ID. {@link EventIds#derivedForLine}(the date in the file's name, the file's identity,
 * the line's byte offset): a function of which file and where in it, never of the line's content,
 * so a shell loop that appends the same text twice recorded two events, and the same line read
 * again after a crash (or after the ledger was lost) keeps its id. The identity is the head hash
 * AND the inode: a new file that starts with the same line as a deleted one (a daily shell loop)
 * gets other ids, so its lines are never taken for the old file's. A copy of a file restored
 * under a new inode is therefore another file: lines without an event_id in it are new rows.
 *
 * <p>TIME. A line without ts_utc is stamped with the time the ingester read it. A line read
 * again after a crash (its batch never committed) gets the later time; the id does not change.
 */
public final class FileLineIds {
  private final LocalDate fileDay;
  private final byte[] identity;

  public FileLineIds(Path file, FileIdentity identity) {
    this.fileDay = FileDates.dateOf(file).orElse(LocalDate.EPOCH);
    this.identity = identity.text().getBytes(StandardCharsets.UTF_8);
  }

  /** What {@code EnvelopeCodec.decode} fills in for the line starting at {@code lineStart}. */
  public EnvelopeCodec.Missing at(long lineStart) {
    return new EnvelopeCodec.Missing(Timestamps::now, () -> EventIds.derivedForLine(fileDay, identity, lineStart));
  }
}
