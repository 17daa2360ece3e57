package dev.metadb.ingester;

import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.Table;
import dev.metadb.ingester.lines.FileIdentity;
import dev.metadb.ingester.lines.FileLineIds;
import dev.metadb.ingester.lines.InboxLineFormat;
import dev.metadb.ingester.lines.LineFormat;
import dev.metadb.ingester.lines.TrailLineFormat;
import dev.metadb.writer.Home;
import dev.metadb.writer.Inbox;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.function.Predicate;

/**
 * A kind of tailed JSONL file: which files of which directory, what their lines are, and whether
 * finished files move to a {@code done/} directory.
 *
 * <ul>
 *   <li>INBOX: {@code <home>/inbox/*.jsonl} (named {@code <source>-YYYY-MM-DD.jsonl} by the
 *       writers' rule); each line an envelope ({@link InboxLineFormat}); finished files move to
 *       {@code inbox/done/}.
 *   <li>TRAIL ({@code ingest --trail TABLE=GLOB}): the files matching GLOB in its directory; each
 *       line one table's data object ({@link TrailLineFormat}); never moved: they belong to
 *       whoever writes them.
 * </ul>
 *
 * @param dir the directory listed
 * @param names which file names (the last path element) in it are read
 * @param trailTable the trail's table; null for the inbox
 * @param doneDir where finished files move; null: they stay
 */
record FileKind(Path dir, Predicate<Path> names, Table trailTable, Path quarantineDir, Path doneDir) {
  /** The inbox of {@code home}: only names of the writers' shape ({@link Inbox.FileName}) are read. */
  static FileKind inbox(Home home) {
    return new FileKind(home.inboxDir(), name -> Inbox.FileName.parse(name.toString()).isPresent(), null,
        home.quarantineDir(), home.inboxDoneDir());
  }

  /** The trail of {@code table}: the files {@code glob} matches (its last element may hold wildcards). */
  static FileKind trail(Home home, Trail trail) {
    Path pattern = trail.glob().toAbsolutePath().normalize();
    PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + pattern.getFileName());
    return new FileKind(pattern.getParent(), glob::matches, trail.table(), home.quarantineDir(), null);
  }

  /** The longest line taken: the longest a writer can produce ({@link EnvelopeCodec#MAX_LINE_BYTES}). */
  int maxLineBytes() {
    return EnvelopeCodec.MAX_LINE_BYTES;
  }

  boolean isInbox() {
    return trailTable == null;
  }

  LineFormat format(Path file, FileIdentity identity) {
    FileLineIds ids = new FileLineIds(file, identity);
    return trailTable == null ? new InboxLineFormat(ids) : new TrailLineFormat(trailTable, ids);
  }

  /** {@code inbox/cli-2026-11-25.jsonl} for inbox files, the absolute path for trails. */
  String displayName(Path file) {
    return trailTable == null ? "inbox/" + file.getFileName() : file.toString();
  }

  /** Device and inode of {@code file} (not following a link), or null when it is missing. */
  static String fileKey(Path file) {
    try {
      return Files.getAttribute(file, "unix:dev", LinkOption.NOFOLLOW_LINKS) + ":"
          + Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return null;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return "-";
    }
  }
}
