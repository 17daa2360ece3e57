package dev.metadb.ingester;

import dev.metadb.event.Timestamps;
import dev.metadb.ingester.lines.FileDates;
import dev.metadb.ingester.lines.FileIdentity;
import dev.metadb.ingester.lines.Ledger;
import dev.metadb.store.MetaDatabase;
import dev.metadb.store.WriteTransaction;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Finds the files of one {@link FileKind} (the inbox, or one trail), opens a {@link FileSource}
 * for each new one, and decides what happens to files that change under the ingester. It runs
 * only while nothing is uncommitted, so every ledger row it moves is the committed truth.
 *
 * <p>WHAT IS NOTICED (by inode and head hash, see {@link FileIdentity})
 *
 * <ul>
 *   <li>NEW: a matching regular file (never a symbolic link) not yet open: opened; read from its
 *       ledger row's offset, or from the start.
 *   <li>RENAMED within the directory (same inode under another name): the same source goes on;
 *       its ledger row follows the name. Nothing is read twice.
 *   <li>DELETED, RENAMED AWAY or REPLACED (the name no longer leads to the inode being read): the
 *       open file is read to its end, which a deletion does not take away; once it has not grown
 *       for the settle time, a trailing fragment is quarantined as a torn line and the source is
 *       closed, with a log line saying what was read after it went. A replacement under the same
 *       name is a new file, read from its start.
 *   <li>TRUNCATED or REWRITTEN (shorter than what was read, or another head): what was applied
 *       stays applied; the bytes that had not been applied are reported lost; the old ledger row
 *       is retired and the file is read again from its start as a new file.
 *   <li>GONE while no ingester ran (a ledger row whose inbox file is missing, at the first scan):
 *       reported with what had been applied, since what came after is lost; the row is retired so
 *       it is reported once.
 *   <li>FINISHED (inbox only: dated before today UTC, unmodified for the settle time, fully
 *       applied): its ledger row is re-keyed, then the file moves to {@code inbox/done/}.
 * </ul>
 */
final class FileDiscovery implements Discovery {
  private final FileKind kind;
  private final MetaDatabase db;
  private final CheckpointStore store;
  private final Duration settle;
  private final Consumer<String> log;
  private final Set<Path> ignored = new HashSet<>();
  private boolean firstScan = true;

  FileDiscovery(FileKind kind, MetaDatabase db, CheckpointStore store, Duration settle, Consumer<String> log) {
    this.kind = kind;
    this.db = db;
    this.store = store;
    this.settle = settle;
    this.log = log;
  }

  @Override
  public boolean scan(Sources sources, boolean batchEmpty) throws IOException {
    if (!batchEmpty) {
      return false;
    }
    Map<String, Path> present = list();
    if (firstScan) {
      firstScan = false;
      reportGone(present);
    }
    long nowNanos = System.nanoTime();
    Map<String, FileSource> open = new HashMap<>();
    for (FileSource source : sources.of(FileSource.class)) {
      if (source.kind() == kind) {
        open.put(source.fileKey(), source);
      }
    }
    for (FileSource source : List.copyOf(open.values())) {
      if (!check(source, present, sources, nowNanos)) {
        open.remove(source.fileKey());
      }
    }
    for (Map.Entry<String, Path> file : present.entrySet()) {
      FileSource source = open.get(file.getKey());
      if (source == null) {
        FileSource opened = FileSource.open(kind, file.getValue(), store::files, log);
        if (opened != null) {
          sources.add(opened);
          log.accept(opened.name() + ": tailing");
        }
      } else if (!source.path().equals(file.getValue()) && !source.detached()) {
        String oldName = source.name();
        source.renamedTo(file.getValue());
        sources.renamed(oldName, source);
        log.accept(oldName + " was renamed to " + source.name() + "; going on where it was (nothing is read twice)");
      }
    }
    return true;
  }

  /** Applies the rules to one open source; false when it was closed. */
  private boolean check(FileSource source, Map<String, Path> present, Sources sources, long nowNanos) throws IOException {
    if (!source.intact()) {
      truncated(source, sources);
      return false;
    }
    if (!source.detached() && !Objects.equals(FileKind.fileKey(source.path()), source.fileKey())
        && !present.containsKey(source.fileKey())) {
      String suffix = "-detached";
      String aside = source.path() + "#detached-" + System.currentTimeMillis();
      if (source.stored() != null && !rekey(source.stored(), asideEntry(source.stored(), aside, suffix))) {
        return true;
      }
      String oldName = source.name();
      source.detach(aside, suffix);
      if (source.stored() != null) {
        source.rekeyed(asideEntry(source.stored(), aside, suffix));
      }
      sources.renamed(oldName, source);
      log.accept(oldName + " was deleted, renamed away or replaced under the ingester: reading what it holds to its end through the open file");
    }
    boolean quiet = source.quietNanos(nowNanos) >= settle.toNanos();
    if (source.detached()) {
      if (quiet && !source.finishing()) {
        source.finish();
      } else if (source.finishing() && source.fullyApplied()) {
        sources.remove(source);
        log.accept(source.name() + ": read to its end after it went: " + source.summary());
        return false;
      }
      return true;
    }
    if (kind.doneDir() != null && quiet && pastItsDay(source.path())) {
      if (!source.finishing()) {
        source.finish();
      } else if (source.fullyApplied()) {
        moveToDone(source, sources);
        return false;
      }
    }
    return true;
  }

  private void truncated(FileSource source, Sources sources) throws IOException {
    Ledger.Entry stored = source.stored();
    long applied = stored == null ? 0 : stored.offset();
    long unapplied = Math.max(0, source.lastSize() - applied);
    log.accept(source.name() + " was truncated or rewritten under the ingester (now " + source.size() + " bytes): the "
        + (stored == null ? 0 : stored.linesApplied()) + " lines applied from it stay applied; "
        + (unapplied > 0 ? unapplied + " bytes after byte " + applied + " that were not yet applied are lost"
            : "nothing that was in it was lost")
        + "; reading what it holds now from its start, as a new file");
    retire(source, "truncated");
    sources.remove(source);
  }

  private void moveToDone(FileSource source, Sources sources) throws IOException {
    Path done = kind.doneDir();
    Path from = source.path();
    String name = from.getFileName().toString();
    Path to = done.resolve(name);
    if (Files.exists(to, LinkOption.NOFOLLOW_LINKS) && source.identity() != null) {
      to = done.resolve(name.substring(0, name.length() - ".jsonl".length()) + "." + source.identity().shortHash() + ".jsonl");
    }
    if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
      log.accept(source.name() + ": finished, but " + to + " exists already: left where it is");
      sources.remove(source);
      return;
    }
    if (source.stored() != null && !rekey(source.stored(), source.stored().withFile(to.toString()))) {
      return;
    }
    Home.createPrivateDirectories(done);
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    sources.remove(source);
    log.accept(source.name() + ": finished (" + source.summary() + "): moved to inbox/done/" + to.getFileName());
  }

  /**
   * Moves the source's committed row aside ({@code path#why-millis}, an inode that matches
   * nothing), so no file is ever matched to it again; false when meta.db refused (tried again at
   * the next scan).
   */
  private boolean retire(FileSource source, String why) {
    Ledger.Entry stored = source.stored();
    return stored == null || rekey(stored, asideEntry(stored, stored.file() + "#" + why + "-" + System.currentTimeMillis(), "-" + why));
  }

  /** {@code row} under another key, with an inode no file has. */
  private static Ledger.Entry asideEntry(Ledger.Entry row, String file, String inodeSuffix) {
    String inode = row.identity().inode();
    return new Ledger.Entry(file, new FileIdentity(row.identity().contentHash(), inode.endsWith(inodeSuffix) ? inode : inode + inodeSuffix),
        row.offset(), row.linesApplied(), row.linesQuarantined());
  }

  private boolean rekey(Ledger.Entry from, Ledger.Entry to) {
    try (WriteTransaction tx = db.begin()) {
      store.saveFile(from, to, Timestamps.now());
      tx.commit();
      return true;
    } catch (SQLException e) {
      log.accept("meta.db: cannot move the ledger row of " + from.file() + " (will retry): " + e.getMessage());
      return false;
    }
  }

  /** Rows of files of this kind that are gone: reported once, then retired. */
  private void reportGone(Map<String, Path> present) {
    List<Ledger.Entry> rows;
    try {
      rows = store.files();
    } catch (SQLException e) {
      log.accept("meta.db: cannot read the ledger: " + e.getMessage());
      return;
    }
    for (Ledger.Entry row : rows) {
      Path file = Path.of(row.file());
      if (row.file().contains("#") || !kind.dir().equals(file.getParent()) || !kind.names().test(file.getFileName())
          || Files.exists(file, LinkOption.NOFOLLOW_LINKS) || present.containsKey(row.identity().inode())) {
        continue;
      }
      log.accept(kind.displayName(file) + " is gone (deleted while no ingester ran): " + row.linesApplied()
          + " lines were applied from it, up to byte " + row.offset() + "; whatever was appended after that was never ingested and is lost");
      rekey(row, asideEntry(row, row.file() + "#gone-" + System.currentTimeMillis(), "-gone"));
    }
  }

  /** The matching files now in the directory, by file key. */
  private Map<String, Path> list() throws IOException {
    Map<String, Path> found = new HashMap<>();
    if (!Files.isDirectory(kind.dir())) {
      return found;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(kind.dir())) {
      for (Path entry : entries) {
        if (!kind.names().test(entry.getFileName())) {
          if (kind.isInbox() && entry.getFileName().toString().endsWith(".jsonl") && ignored.add(entry)) {
            log.accept(kind.displayName(entry) + ": not read: an inbox file is named SOURCE-YYYY-MM-DD.jsonl"
                + " (SOURCE of a-z, 0-9, _ and -; the UTC date)");
          }
          continue;
        }
        if (!Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
          if (ignored.add(entry)) {
            log.accept(kind.displayName(entry) + ": not a regular file (a symbolic link or a directory): ignored");
          }
          continue;
        }
        String key = FileKind.fileKey(entry);
        if (key != null) {
          found.put(key, entry);
        }
      }
    }
    return found;
  }

  private boolean pastItsDay(Path file) throws IOException {
    Instant now = Instant.now();
    if (FileDates.mayStillBeWritten(file, LocalDate.ofInstant(now, ZoneOffset.UTC))) {
      return false;
    }
    return !Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant().isAfter(now.minus(settle));
  }
}
