package dev.metadb.ingester.lines;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.event.Timestamps;
import dev.metadb.writer.Home;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The rejects of one source file: {@code <home>/logs/quarantine/<source name>.rejects.jsonl}.
 *
 * <p>ENTRY FORMAT. One JSON object per line:
 *
 * <pre>
 * {"source":"/abs/path/meta-db-errors-2026-11-24.jsonl", "identity":"sha256:... ino:...",
 *  "line":17, "offset":5120, "length":88, "reason":"messages.direction: 'sideways' is not one of ...",
 *  "at":"2026-11-25T02:44:00.123456Z",
 *  "raw":"<the line as text>"           when it is valid UTF-8
 *  | "raw_base64":"<the line's bytes>"  when it is not
 *  | "raw_file":"<name>"                when it is over the line limit: copied verbatim to that
 *                                       file beside this one, named <source>.<hash12>.line-N.raw}
 * </pre>
 *
 * {@code line} and {@code offset} are the line's number (from 1) and first byte in the source;
 * {@code length} counts its bytes without the line break. {@code raw} never loses a byte: the
 * line is either valid UTF-8 text or kept as base64.
 *
 * <p>EXACTLY ONCE. An entry is written (and forced to disk, {@link #sync()}) before the ledger
 * transaction that moves the source offset past its line commits, so a reject is never lost.
 * A crash between the two leaves entries whose lines a rerun reads again; the rerun must not
 * write them twice. The key of an entry is (content hash of the source's identity, offset): when
 * the quarantine file is first opened in a run, the keys already in it are loaded and {@link
 * #reject} skips a line whose key is present. A crash in the middle of writing an entry leaves a
 * line without {@code \n}; that torn tail is cut off when the file is opened, and the entry is
 * written again whole. Only one replay runs at a time (the replay lock), so nothing else appends.
 */
public final class Quarantine implements Rejects {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();

  private final Path dir;
  private final Path source;
  private final FileIdentity identity;
  private final String name;
  private FileChannel out;
  private long outEnd;
  private final Set<Long> present = new HashSet<>();
  private boolean unsynced;

  public Quarantine(Path dir, Path source, FileIdentity identity) {
    this.dir = dir;
    this.source = source;
    this.identity = identity;
    this.name = source.getFileName().toString();
  }

  /** Where the rejects of {@code source} go. */
  public static Path rejectsFile(Path quarantineDir, Path source) {
    return quarantineDir.resolve(source.getFileName() + ".rejects.jsonl");
  }

  /**
   * Records the reader's current line as rejected for {@code reason}, unless an entry for it is
   * already there (written by a run that crashed before committing past it).
   *
   * @param sourceChannel the source, to copy an oversized line from
   */
  @Override
  public void reject(LineReader line, String reason, FileChannel sourceChannel) throws IOException {
    open();
    if (present.contains(line.start())) {
      return;
    }
    ByteArrayOutputStream entry = new ByteArrayOutputStream(256 + line.contentLength() * 2);
    try (JsonGenerator g = FACTORY.createGenerator(entry)) {
      g.writeStartObject();
      g.writeStringField("source", source.toString());
      g.writeStringField("identity", identity.text());
      g.writeNumberField("line", line.number());
      g.writeNumberField("offset", line.start());
      g.writeNumberField("length", line.oversized() ? lengthWithoutBreak(line, sourceChannel) : line.contentLength());
      g.writeStringField("reason", reason);
      g.writeStringField("at", Timestamps.format(Timestamps.now()));
      if (line.oversized()) {
        g.writeStringField("raw_file", copyOversized(line, sourceChannel));
      } else if (Utf8Validation.firstInvalidByte(line.buffer(), line.contentOffset(), line.contentLength()) < 0) {
        g.writeStringField(
            "raw", new String(line.buffer(), line.contentOffset(), line.contentLength(), StandardCharsets.UTF_8));
      } else {
        g.writeFieldName("raw_base64");
        g.writeBinary(line.buffer(), line.contentOffset(), line.contentLength());
      }
      g.writeEndObject();
    }
    entry.write('\n');
    ByteBuffer bytes = ByteBuffer.wrap(entry.toByteArray());
    while (bytes.hasRemaining()) {
      outEnd += out.write(bytes, outEnd);
    }
    present.add(line.start());
    unsynced = true;
  }

  /** Forces written entries to disk; called before the ledger moves past their lines. */
  @Override
  public void sync() throws IOException {
    if (unsynced) {
      out.force(false);
      unsynced = false;
    }
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.close();
    }
  }

  private void open() throws IOException {
    if (out != null) {
      return;
    }
    Home.createPrivateDirectories(dir);
    out = FileChannel.open(rejectsFile(dir, source), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    LineReader existing = new LineReader(out, 0, 1, Integer.MAX_VALUE - 8);
    while (existing.next()) {
      JsonNode entry = parseOrNull(existing);
      if (entry != null
          && entry.path("offset").canConvertToLong()
          && FileIdentity.parse(entry.path("identity").asText("")).contentHash().equals(identity.contentHash())) {
        present.add(entry.path("offset").longValue());
      }
    }
    outEnd = existing.completeUpTo();
    if (out.size() > outEnd) {
      out.truncate(outEnd);
    }
  }

  private static JsonNode parseOrNull(LineReader line) {
    try {
      return JSON.readTree(line.buffer(), line.contentOffset(), line.contentLength());
    } catch (IOException e) {
      return null;
    }
  }

  private String copyOversized(LineReader line, FileChannel sourceChannel) throws IOException {
    String rawName = name + "." + identity.shortHash() + ".line-" + line.number() + ".raw";
    try (FileChannel raw = FileChannel.open(
        dir.resolve(rawName), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      long length = lengthWithoutBreak(line, sourceChannel);
      long copied = 0;
      while (copied < length) {
        long n = sourceChannel.transferTo(line.start() + copied, length - copied, raw);
        if (n <= 0) {
          throw new IOException("source " + source + " ended while copying line " + line.number() + " to quarantine");
        }
        copied += n;
      }
      raw.force(false);
    }
    return rawName;
  }

  /** An oversized line's byte count without its line break (read back from the source). */
  private static long lengthWithoutBreak(LineReader line, FileChannel sourceChannel) throws IOException {
    long length = line.end() - line.start();
    if (line.torn()) {
      return length;
    }
    length--;
    ByteBuffer last = ByteBuffer.allocate(1);
    if (length > 0 && sourceChannel.read(last, line.start() + length - 1) == 1 && last.get(0) == '\r') {
      length--;
    }
    return length;
  }
}
