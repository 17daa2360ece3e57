package dev.metadb.ingester.lines;

import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.EventIds;
import dev.metadb.event.Timestamps;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The event id and time the ingester gives an inbox or trail line that leaves them out.
 *
 * <p>EVENT ID. {@code EventIds.derived} over (file name, the file's identity hash, the line's byte
 * offset, the line's bytes): deterministic, so a line read again after a crash, or from a copy
 * restored under the same name, gets the same id and INSERT OR IGNORE keeps it once; and not
 * from the content alone, because a shell loop that writes the same line twice recorded two
 * events (they sit at two offsets). Its time part is the line's own ts_utc, or midnight UTC of
 * the date in the file's name (0 without one): never the read time, which differs between reads.
 *
 * <p>TIME. A line without ts_utc is stamped with the time the ingester read it. A line read
 * again after a crash (its batch never committed) gets the later time; the id does not change.
 */
public final class FileLineIds {
  private final String key;
  private final Instant fileDay;

  public FileLineIds(Path file, FileIdentity identity) {
    String name = file.getFileName().toString();
    this.key = name + "\0" + identity.contentHash() + "\0";
    this.fileDay = FileDates.dateOf(file).map(d -> d.atStartOfDay().toInstant(ZoneOffset.UTC)).orElse(Instant.EPOCH);
  }

  /** What {@code EnvelopeCodec.decode} fills in for the line starting at {@code lineStart}. */
  public EnvelopeCodec.Missing at(long lineStart) {
    return new EnvelopeCodec.Missing(Timestamps::now, (lineTs, line) -> id(lineStart, lineTs, line));
  }

  private String id(long lineStart, Instant lineTs, byte[] line) {
    byte[] prefix = (key + lineStart + "\0").getBytes(StandardCharsets.UTF_8);
    byte[] content = new byte[prefix.length + line.length];
    System.arraycopy(prefix, 0, content, 0, prefix.length);
    System.arraycopy(line, 0, content, prefix.length, line.length);
    return EventIds.derived(lineTs != null ? lineTs : fileDay, content);
  }
}
