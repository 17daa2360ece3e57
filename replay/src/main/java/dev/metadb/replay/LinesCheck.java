package dev.metadb.replay;

import dev.metadb.event.EnvelopeCodec;
import dev.metadb.ingester.CheckResult;
import dev.metadb.ingester.Finding;
import dev.metadb.ingester.lines.FileIdentity;
import dev.metadb.ingester.lines.FileLineIds;
import dev.metadb.ingester.lines.InboxLineFormat;
import dev.metadb.ingester.lines.Ledger;
import dev.metadb.ingester.lines.LineFormat;
import dev.metadb.ingester.lines.LineReader;
import dev.metadb.ingester.lines.LineVerdict;
import dev.metadb.store.MetaDatabase;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code metadb verify}'s checks of the line files: every spool and inbox line judged the way
 * replay and the ingester judge it ({@link LineVerdict}, the same formats), and every replay
 * ledger row held against its file. Files are read with read-only channels; meta.db over a
 * read-only connection.
 */
public final class LinesCheck {
  /** Reasons listed per file at most; the rest are counted. */
  private static final int MAX_LISTED = 3;

  private LinesCheck() {}

  /** The spool files in {@code logs/}: lines replay would apply, skip or quarantine. */
  public static CheckResult spool(Home home) {
    List<Path> files;
    List<Finding> findings = new ArrayList<>();
    try {
      files = home.spoolFiles();
    } catch (IOException e) {
      findings.add(Finding.problem("logs", "cannot list the spool files: " + e));
      return new CheckResult("spool", findings, Map.of());
    }
    SpoolLineFormat format = new SpoolLineFormat();
    return lines("spool", home, files, file -> format, findings,
        " replay would quarantine them (see metadb replay --dry-run)");
  }

  /** The inbox files waiting in {@code inbox/}: lines the ingester would apply or quarantine. */
  public static CheckResult inbox(Home home) {
    List<Finding> findings = new ArrayList<>();
    List<Path> files;
    try {
      files = home.inboxFiles();
    } catch (IOException e) {
      findings.add(Finding.problem("inbox", "cannot list " + home.inboxDir() + ": " + e));
      files = List.of();
    }
    return lines("inbox", home, files, file -> {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        Optional<FileIdentity> identity = FileIdentity.read(channel, file, true);
        return identity.<LineFormat>map(id -> new InboxLineFormat(new FileLineIds(file, id))).orElse(null);
      } catch (IOException e) {
        return null;
      }
    }, findings, " the ingester would quarantine them");
  }

  private static CheckResult lines(String check, Home home, List<Path> files, Function<Path, LineFormat> formats,
      List<Finding> findings, String consequence) {
    long events = 0;
    long blank = 0;
    long rejected = 0;
    for (Path file : files) {
      String subject = home.dir().relativize(file).toString();
      LineFormat format = formats.apply(file);
      if (format == null) {
        continue; // no complete first line yet: nothing to judge
      }
      long fileRejects = 0;
      List<String> reasons = new ArrayList<>();
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        LineReader reader = new LineReader(channel, 0, 1, EnvelopeCodec.MAX_LINE_BYTES);
        while (reader.next()) {
          LineVerdict verdict = LineVerdict.of(reader, format, EnvelopeCodec.MAX_LINE_BYTES);
          if (verdict instanceof LineVerdict.Event) {
            events++;
          } else if (verdict instanceof LineVerdict.Blank) {
            blank++;
          } else if (verdict instanceof LineVerdict.Reject r) {
            fileRejects++;
            if (reasons.size() < MAX_LISTED) {
              reasons.add("line " + reader.number() + ": " + r.reason());
            }
          }
        }
        if (reader.pendingLength() > 0) {
          findings.add(Finding.note(subject, reader.pendingLength() + " bytes after the last newline: a line being"
              + " written, or torn by a killed writer (it is read once the file is finished)"));
        }
      } catch (IOException e) {
        findings.add(Finding.problem(subject, "cannot be read: " + e));
        continue;
      }
      if (fileRejects > 0) {
        findings.add(Finding.note(subject, fileRejects + (fileRejects == 1 ? " line does" : " lines do")
            + " not parse;" + consequence + ": " + String.join("; ", reasons)));
      }
      rejected += fileRejects;
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("files", (long) files.size());
    counts.put("lines_ok", events);
    counts.put("blank_lines", blank);
    counts.put("would_quarantine", rejected);
    return new CheckResult(check, findings, counts);
  }

  /** Every replay ledger row against its file: offset inside it and at a line boundary, same file. */
  public static CheckResult ledger(Home home) {
    List<Finding> findings = new ArrayList<>();
    Map<String, Long> counts = new LinkedHashMap<>();
    if (!Files.isRegularFile(home.metaDb())) {
      return new CheckResult("replay-ledger", findings, counts);
    }
    List<Ledger.Entry> entries;
    try (Connection connection = MetaDatabase.connectReadOnly(home.metaDb())) {
      entries = Ledger.readAll(connection);
    } catch (SQLException e) {
      // meta.db's own check reports why it cannot be read.
      findings.add(Finding.note("replay_ledger", "not read: " + e.getMessage()));
      return new CheckResult("replay-ledger", findings, counts);
    }
    long matched = 0;
    long gone = 0;
    for (Ledger.Entry entry : entries) {
      if (entry.file().contains("#")) {
        continue; // a row moved aside for a file that was replaced; kept in case it turns up
      }
      Path file = Path.of(entry.file());
      Path replayed = home.replayedDir().resolve(file.getFileName());
      Path actual = Files.isRegularFile(file) ? file : Files.isRegularFile(replayed) ? replayed : null;
      if (actual == null) {
        gone++;
        continue;
      }
      String subject = relative(home, actual);
      try (FileChannel channel = FileChannel.open(actual, StandardOpenOption.READ)) {
        Optional<FileIdentity> identity = FileIdentity.read(channel, actual, true);
        if (identity.isEmpty() || !identity.get().contentHash().equals(entry.identity().contentHash())) {
          findings.add(Finding.note(subject, "another file is now at this path than the one the ledger row describes"
              + " (replay treats it as a new file)"));
          continue;
        }
        long size = channel.size();
        if (entry.offset() > size) {
          findings.add(Finding.problem(subject, "the ledger says " + entry.offset() + " bytes were applied but the file has "
              + size + ": it was cut short after replay read it. Replay starts it over (inserts are idempotent);"
              + " lines that were past byte " + size + " are gone from the file"));
        } else if (entry.offset() > 0 && entry.offset() < size && !newlineBefore(channel, entry.offset())) {
          findings.add(Finding.problem(subject, "the ledger offset " + entry.offset() + " is not just after a newline:"
              + " the file's content changed after replay read it. Replay starts it over (inserts are idempotent)"));
        } else {
          matched++;
        }
      } catch (IOException e) {
        findings.add(Finding.problem(subject, "cannot be read: " + e));
      }
    }
    if (gone > 0) {
      findings.add(Finding.note("replay_ledger", gone + " rows are for files no longer in the home (deleted after replay)"));
    }
    counts.put("rows", (long) entries.size());
    counts.put("matching_files", matched);
    counts.put("files_gone", gone);
    return new CheckResult("replay-ledger", findings, counts);
  }

  private static String relative(Home home, Path file) {
    Path abs = file.toAbsolutePath();
    Path root = home.dir().toAbsolutePath();
    return abs.startsWith(root) ? root.relativize(abs).toString() : abs.toString();
  }

  private static boolean newlineBefore(FileChannel channel, long offset) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    return channel.read(one, offset - 1) == 1 && one.get(0) == '\n';
  }
}
