package dev.metadb.ingester;

import dev.metadb.ingester.lines.FileIdentity;
import dev.metadb.ingester.lines.Ledger;
import dev.metadb.ingester.lines.LineFormat;
import dev.metadb.ingester.lines.LineReader;
import dev.metadb.ingester.lines.LineVerdict;
import dev.metadb.ingester.lines.Quarantine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One JSONL file tailed in place: an inbox file (each line an envelope) or a trail (each line one
 * table's data object). Which, and what its lines mean, is its {@link FileKind}.
 *
 * <p>CHECKPOINT: the file's {@link Ledger} row, identity ({@link FileIdentity}: head hash and
 * inode) and the byte offset after the last line consumed (applied, blank or quarantined),
 * written by the transaction that commits those lines' rows. While that transaction runs in the
 * background the source reads on; its {@link Checkpoint#committed} then stores the row it was
 * fixed at and keeps what was consumed since as the next checkpoint's.
 *
 * <p>READING
 *
 * <ol>
 *   <li>Until the file has a complete non-blank line it has no identity and nothing is read.
 *       Then its row is found ({@link Ledger#findSameFile}: same head hash and inode) and reading
 *       starts at the row's offset if that fits the file (not past its end, just after a '\n'),
 *       else at 0 (re-read lines keep their event ids: INSERT OR IGNORE absorbs them).
 *   <li>Only complete lines are taken: a partial tail waits for its '\n'. Each line is judged by
 *       {@link LineVerdict}: events go to the batch, blank lines are skipped, the rest go to
 *       quarantine with file, line number and reason ({@link Quarantine}: forced to disk before
 *       the checkpoint moves past the line, and written once per line across crashes).
 *   <li>Once {@link #finish() finishing} (no writer can append any more: a dated file past its
 *       day and settle time, or one deleted or replaced under the ingester that stopped growing),
 *       a trailing fragment without '\n' is taken as the file's last line: a torn line, which goes
 *       to quarantine.
 * </ol>
 *
 * <p>The file is read through the channel opened when it was found (never through its name
 * again), so a rename, a replacement or a deletion cannot make it read another file's bytes:
 * {@link FileDiscovery} compares the name's inode with this one's and the head's hash with the
 * identity, and decides.
 */
final class FileSource implements Source {
  private final FileKind kind;
  private final String fileKey;
  private final FileChannel channel;
  private final Ledgers ledgers;
  private final Consumer<String> log;
  private Path path;
  private String name;

  private FileIdentity identity;
  private LineFormat format;
  private LineReader reader;
  private Quarantine rejects;
  /** The row as stored in meta.db; null when there is none yet. */
  private Ledger.Entry stored;
  /** The row the next checkpoint advances from: {@link #stored}, or a fresh one at the start. */
  private Ledger.Entry base;
  private long consumedUpTo;
  private long applied;
  private long quarantined;
  private boolean moved;
  private boolean finishing;
  private boolean detached;
  /** The ledger row's key: the path, or once the file went, {@code path#detached-millis}. */
  private String ledgerFile;
  /** Appended to the inode in the ledger once the file went, so no later file is matched to the row. */
  private String inodeSuffix = "";
  private long lastSize;
  private long lastGrowthNanos = System.nanoTime();
  /**
   * The reader reached the end of what the file held (its last next() was false). Only then may
   * an unchanged size mean nothing is ready: after a take that stopped because the batch was
   * full, the reader's buffer still holds complete lines.
   */
  private boolean caughtUp;

  /** Reads every ledger row (they are few): a file looks its row up when it is identified. */
  interface Ledgers {
    List<Ledger.Entry> rows() throws SQLException;
  }

  private FileSource(FileKind kind, Path path, String fileKey, FileChannel channel, Ledgers ledgers, Consumer<String> log) {
    this.kind = kind;
    this.path = path;
    this.name = kind.displayName(path);
    this.ledgerFile = path.toString();
    this.fileKey = fileKey;
    this.channel = channel;
    this.ledgers = ledgers;
    this.log = log;
  }

  /** Opens {@code path} (never through a symbolic link); null when it vanished meanwhile. */
  static FileSource open(FileKind kind, Path path, Ledgers ledgers, Consumer<String> log) throws IOException {
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    }
    String key = FileKind.fileKey(path);
    return new FileSource(kind, path, key == null ? "-" : key, channel, ledgers, log);
  }

  @Override
  public String name() {
    return name;
  }

  Path path() {
    return path;
  }

  FileKind kind() {
    return kind;
  }

  /** Device and inode of the file this source reads. */
  String fileKey() {
    return fileKey;
  }

  @Override
  public int take(Batch batch, int room) throws IOException {
    long size = channel.size();
    if (size != lastSize) {
      lastSize = size;
      lastGrowthNanos = System.nanoTime();
    }
    if (identity == null && !identify()) {
      return 0;
    }
    if (!finishing && caughtUp && size <= reader.completeUpTo() + reader.pendingLength()) {
      return 0;
    }
    int consumed = 0;
    caughtUp = false;
    while (consumed < room && !batch.full()) {
      if (!reader.next()) {
        caughtUp = true;
        break;
      }
      handle(batch);
      consumed++;
    }
    if (finishing && consumed < room && reader.pendingLength() > 0) {
      reader.takeTrailing();
      handle(batch);
      consumed++;
    }
    return consumed;
  }

  private void handle(Batch batch) throws IOException {
    LineVerdict verdict = LineVerdict.of(reader, format, kind.maxLineBytes());
    if (verdict instanceof LineVerdict.Event event) {
      batch.add(PendingEntry.decoded(this, reader.number(), event.envelope(), reader.contentLength()));
      applied++;
    } else {
      if (verdict instanceof LineVerdict.Reject reject) {
        rejects.reject(reader, reject.reason(), channel);
        quarantined++;
      }
      batch.touch(this);
    }
    consumedUpTo = reader.end();
    moved = true;
  }

  /** Settles the identity, finds the ledger row and positions the reader; false if not yet. */
  private boolean identify() throws IOException {
    Optional<FileIdentity> found = FileIdentity.read(channel, path, finishing);
    if (found.isEmpty()) {
      return false;
    }
    identity = found.get();
    try {
      stored = Ledger.findSameFile(ledgers.rows(), path, identity).orElse(null);
    } catch (SQLException e) {
      identity = null;
      throw new IOException("meta.db: cannot read the ledger for " + name + ": " + e.getMessage(), e);
    }
    long start = 0;
    if (stored != null) {
      if (fits(stored.offset())) {
        start = stored.offset();
      } else {
        log.accept(name + ": its checkpoint (byte " + stored.offset() + ") does not fit the file (" + channel.size()
            + " bytes): reading it again from the start (lines already applied are not applied twice)");
      }
    }
    FileIdentity saved = new FileIdentity(identity.contentHash(), identity.inode() + inodeSuffix);
    base = start == 0
        ? new Ledger.Entry(ledgerFile, saved, 0, 0, 0)
        : new Ledger.Entry(stored.file(), saved, start, stored.linesApplied(), stored.linesQuarantined());
    consumedUpTo = start;
    format = kind.format(path, identity);
    reader = new LineReader(channel, start, LineReader.countNewlines(channel, start) + 1, kind.maxLineBytes());
    rejects = new Quarantine(kind.quarantineDir(), path, identity);
    return true;
  }

  /** 0, just after a '\n', or the end of a finished file whose last line had none. */
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

  @Override
  public Checkpoint pendingCheckpoint() throws IOException {
    if (!moved) {
      return Checkpoint.NONE;
    }
    rejects.sync();
    Ledger.Entry previous = stored;
    Ledger.Entry next = base.advancedTo(ledgerFile, consumedUpTo, applied, quarantined);
    long appliedThen = applied;
    long quarantinedThen = quarantined;
    return new Checkpoint() {
      @Override
      public void save(CheckpointStore store, Instant now) throws SQLException {
        store.saveFile(previous, next, now);
      }

      @Override
      public void committed() {
        stored = next;
        base = next;
        applied -= appliedThen;
        quarantined -= quarantinedThen;
        moved = consumedUpTo != next.offset();
      }
    };
  }

  @Override
  public String origin(long lineNumber) {
    return name + " line " + lineNumber;
  }

  /** From now on a trailing fragment without '\n' is the file's torn last line. */
  void finish() {
    finishing = true;
  }

  boolean finishing() {
    return finishing;
  }

  /** Every byte of the file is consumed and committed. */
  boolean fullyApplied() throws IOException {
    long size = channel.size();
    return size == 0 || (stored != null && !moved && stored.offset() == size);
  }

  boolean detached() {
    return detached;
  }

  /**
   * The file's name no longer leads to it (deleted, renamed away, replaced): from now on its
   * ledger row is {@code aside} (or, with nothing committed yet, will be saved under that key),
   * and the source is named apart from whatever file now has its name.
   */
  void detach(String asideFile, String suffix) {
    detached = true;
    ledgerFile = asideFile;
    inodeSuffix = suffix;
    name = name + " (gone, was inode " + fileKey + ")";
    if (base != null) {
      base = new Ledger.Entry(asideFile, new FileIdentity(base.identity().contentHash(), base.identity().inode() + suffix),
          base.offset(), base.linesApplied(), base.linesQuarantined());
    }
  }

  /** The committed row was moved (by {@link FileDiscovery}) to {@code entry}. */
  void rekeyed(Ledger.Entry entry) {
    stored = entry;
    if (!moved) {
      base = entry;
    }
  }

  /** What was applied from the file, for log lines. */
  String summary() {
    return stored == null ? "nothing applied" : stored.linesApplied() + " lines applied, " + stored.linesQuarantined()
        + " quarantined, " + stored.offset() + " bytes";
  }

  /** The size last seen by {@link #take}. */
  long lastSize() {
    return lastSize;
  }

  /** Nanoseconds since this source last saw the file grow. */
  long quietNanos(long nowNanos) {
    return nowNanos - lastGrowthNanos;
  }

  long size() throws IOException {
    return channel.size();
  }

  /** The committed row; null when nothing of this file is committed yet. */
  Ledger.Entry stored() {
    return stored;
  }

  /** The identity; null until the file has a complete non-blank line. */
  FileIdentity identity() {
    return identity;
  }

  /**
   * Whether the bytes this source identified the file by are still there: false when the file
   * shrank below what was read, or its head was rewritten (truncated and written again).
   */
  boolean intact() throws IOException {
    long size = channel.size();
    if (reader != null && size < reader.completeUpTo()) {
      return false;
    }
    if (identity == null) {
      return true;
    }
    Optional<FileIdentity> now = FileIdentity.read(channel, path, true);
    return now.isPresent() && now.get().contentHash().equals(identity.contentHash());
  }

  /** The file now has this name (renamed within the directory); the ledger row follows at the next checkpoint. */
  void renamedTo(Path newPath) {
    path = newPath;
    name = kind.displayName(newPath);
    ledgerFile = newPath.toString();
  }

  @Override
  public void close() {
    try {
      if (rejects != null) {
        rejects.close();
      }
    } catch (IOException e) {
      log.accept(name + ": closing its quarantine file: " + e);
    }
    try {
      channel.close();
    } catch (IOException e) {
      log.accept(name + ": closing: " + e);
    }
  }
}
