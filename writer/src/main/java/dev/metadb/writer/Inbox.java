package dev.metadb.writer;

import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.EventIds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * THE INBOX: any process, in any language, records an event by appending one line to a file; the
 * ingester tails the files and applies every line exactly once. This comment is the format's
 * specification (docs/inbox.md shows it in use from bash and python3).
 *
 * <p>FILES
 *
 * <pre>
 * HOME/inbox/                          mode 0700, created by the first writer that needs it
 * HOME/inbox/SOURCE-YYYY-MM-DD.jsonl   one file per source and UTC day; mode 0600 when metadb
 *                                      creates it. SOURCE matches [a-z0-9_-]+ and is the writer's
 *                                      choice ("cli" for `metadb record`); the date is the UTC day
 *                                      of the write. Any number of processes append to one file.
 * HOME/inbox/done/                     files the ingester has fully applied (the ingester's)
 * </pre>
 *
 * <p>Only names of exactly that shape ({@link FileName#parse}) are inbox files; anything else in
 * {@code inbox/} is not read.
 *
 * <p>RECORD FRAMING. Each event is one record appended to the file:
 *
 * <pre>
 * byte 0        0x0A                 ends whatever torn line a killed writer may have left
 * bytes 1..n    ENVELOPE             one JSON object, UTF-8, no raw 0x0A inside (JSON escapes it)
 * byte n+1      0x0A                 ends this line
 * </pre>
 *
 * <p>So a file reads as lines separated by 0x0A, every other one of them empty. A line is the
 * bytes between two 0x0A (a 0x0D just before the 0x0A is dropped); empty lines and lines of only
 * spaces, tabs and 0x0D are skipped, uncounted.
 *
 * <p>ENVELOPE. The queue's and the spool's ({@link EnvelopeCodec}):
 *
 * <pre>
 * {"table":"ticks","data":{"source":"cron"}}                                  the least a line needs
 * {"event_id":"0193…","table":"ticks","ts_utc":"2026-11-25T02:44:00.123456Z",
 *  "host":"box","pid":4242,"v":1,"data":{"source":"cron"}}                    what metadb writes
 * </pre>
 *
 * <ol>
 *   <li>{@code table} (one of the 16) and {@code data} (exactly that table's columns) are
 *       required; {@code event_id} (1 to 64 characters, UUIDv7 recommended), {@code ts_utc}
 *       (ISO-8601), {@code host}, {@code pid} and {@code v} are optional. Any other top-level field
 *       makes the line invalid. Validation is {@code EventValidator}'s, as at every other edge.
 *   <li>Line size: at most {@link #MAX_LINE_BYTES} bytes between the two 0x0A (the spool's and
 *       replay's limit, {@link EnvelopeCodec#MAX_LINE_BYTES}: every event {@code record} accepts
 *       fits).
 *   <li>No {@code event_id}: the ingester derives one from the file and the line's position,
 *       {@link EventIds#derivedForLine}(the date in the file's name, the file's identity, the byte
 *       offset of the line's first byte), never from its content: a shell loop that appends the
 *       same text twice recorded two events, and the same line read twice keeps one id.
 *   <li>No {@code ts_utc}: the ingester stamps the line with the time it first read it (so a
 *       shell one-liner needs no clock formatting). The stamp is not part of the derived id, so a
 *       re-read after a crash (which happens only for lines whose rows were not committed) may
 *       stamp a later time but never makes a second row.
 * </ol>
 *
 * <p>WRITER RULES (what {@link #append} does; docs/inbox.md does the same from bash and python3)
 *
 * <ol>
 *   <li>Open the file {@code O_WRONLY|O_APPEND|O_CREAT}, mode 0600. Take no lock of any kind: a
 *       lock is what the seed's writers were escaping (32 python3 writers holding flock per
 *       write: p95 about 3 ms against 0.012 ms lock-free).
 *   <li>Write the whole record with ONE {@code write()}. On a local filesystem the kernel appends
 *       each {@code write()} of an O_APPEND descriptor at the end of the file as a unit, so records
 *       of concurrent writers never interleave.
 *   <li>A short write (disk full) or an error is a failed append: never write the rest (a second
 *       {@code write()} could land after another writer's record), never truncate (other writers'
 *       records may follow). Report the failure; metadb's own writers then fall back to the spool.
 * </ol>
 *
 * <p>WHY THE LEADING 0x0A. A writer killed mid-write, or a short write on a full disk, leaves a
 * fragment with no line end. Without the leading 0x0A the next writer's record would continue that
 * line and both would be lost as one line of garbage; with it, the fragment is a line of its own,
 * which the ingester quarantines with file, line number and reason, and the next record is whole.
 *
 * <p>READER RULES (the ingester's side, stated here so both sides read one text): only complete
 * lines are taken, bytes after the last 0x0A wait for it; a line that is not a valid envelope, is
 * torn or is over the size limit goes to quarantine and never stops the file; the file's identity
 * and the offset after the last applied line commit in the same transaction as its rows.
 *
 * <p>GUARANTEED: an append that returned normally put the whole record in the file, where the
 * ingester will apply it exactly once. Metadb's own writers always write an {@code event_id}, so an
 * event that reached both the inbox (a short write that stopped just before the final 0x0A makes a
 * complete line once the next record begins) and the spool after a failed append is still one row.
 *
 * <p>NOT GUARANTEED: records are not fsynced (an OS crash can lose what the page cache had not
 * written back, as for the queue and the spool); appends are atomic only on local filesystems
 * (not NFS); a record from a writer that does not follow rule 2 (e.g. a buffered stream that
 * splits a long line into several writes) can interleave with another's and be quarantined.
 */
public final class Inbox {
  /** The longest line accepted between the two 0x0A of a record. */
  public static final int MAX_LINE_BYTES = EnvelopeCodec.MAX_LINE_BYTES;

  /** What a source name may be: lower-case letters, digits, {@code _} and {@code -}. */
  public static final Pattern SOURCE_PATTERN = Pattern.compile("[a-z0-9_-]+");

  /** The source {@code metadb record} appends as. */
  public static final String CLI_SOURCE = "cli";

  private static final byte NEWLINE = '\n';
  private static final Set<StandardOpenOption> APPEND =
      Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND, StandardOpenOption.CREATE);
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private final Home home;
  private final String source;

  /** An appender for {@code source}'s files in {@code home}'s inbox. */
  public Inbox(Home home, String source) {
    this.home = home;
    this.source = checkSource(source);
  }

  /** {@code source} if it is a valid source name, else IllegalArgumentException saying why. */
  public static String checkSource(String source) {
    if (source == null || !SOURCE_PATTERN.matcher(source).matches()) {
      throw new IllegalArgumentException(
          "inbox source '" + source + "' must be one or more of a-z, 0-9, _ and -");
    }
    return source;
  }

  /** Appends one envelope as a record to today's file (UTC) and returns that file. */
  public Path append(Envelope envelope) throws IOException {
    Record record = new Record();
    record.write(NEWLINE);
    EnvelopeCodec.encode(envelope, null, record);
    record.write(NEWLINE);
    return appendRecord(record.bytes(), record.size());
  }

  /**
   * Appends {@code record[0, length)}, already framed (0x0A, envelope, 0x0A), with one write() on a
   * fresh O_APPEND descriptor: opening per record means a file renamed or deleted meanwhile is never
   * written through a stale descriptor.
   */
  private Path appendRecord(byte[] record, int length) throws IOException {
    if (length - 2 > MAX_LINE_BYTES) {
      throw new IllegalArgumentException("inbox line of " + (length - 2) + " bytes is over the " + MAX_LINE_BYTES + "-byte limit");
    }
    Path file = home.inboxFile(source, LocalDate.now(ZoneOffset.UTC));
    Home.createPrivateDirectories(file.getParent());
    try (FileChannel channel = FileChannel.open(file, APPEND, OWNER_ONLY)) {
      int written = channel.write(ByteBuffer.wrap(record, 0, length));
      if (written != length) {
        throw new IOException("short write to " + file + ": " + written + " of " + length + " bytes (disk full?)");
      }
    }
    return file;
  }

  /**
   * The name of an inbox file, {@code SOURCE-YYYY-MM-DD.jsonl}.
   *
   * @param source matches {@link #SOURCE_PATTERN}
   * @param date the UTC day the file's records were written
   */
  public record FileName(String source, LocalDate date) {
    private static final Pattern NAME = Pattern.compile("([a-z0-9_-]+)-(\\d{4}-\\d{2}-\\d{2})\\.jsonl");

    public FileName {
      checkSource(source);
    }

    /** The name's parts, or empty when {@code name} is not an inbox file's name. */
    public static Optional<FileName> parse(String name) {
      Matcher m = NAME.matcher(name);
      if (!m.matches()) {
        return Optional.empty();
      }
      try {
        return Optional.of(new FileName(m.group(1), LocalDate.parse(m.group(2))));
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }

    @Override
    public String toString() {
      return source + "-" + date + Home.INBOX_SUFFIX;
    }
  }

  /** The record being framed; exposes its array so the append needs no copy. */
  private static final class Record extends ByteArrayOutputStream {
    Record() {
      super(512);
    }

    byte[] bytes() {
      return buf;
    }
  }
}
