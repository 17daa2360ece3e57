package dev.metadb.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metadb.event.EventValidator;
import dev.metadb.event.InvalidEventException;
import dev.metadb.event.Table;
import dev.metadb.replay.FileResult;
import dev.metadb.replay.Replay;
import dev.metadb.replay.ReplayBusyException;
import dev.metadb.replay.ReplayProgress;
import dev.metadb.replay.ReplayRequest;
import dev.metadb.replay.ReplaySource;
import dev.metadb.replay.ReplaySummary;
import dev.metadb.replay.SpoolFiles;
import dev.metadb.store.MetaDatabaseException;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code metadb replay}: drains the JSONL error spool (and source trails) into meta.db exactly
 * once; see {@link Replay}. The summary goes to stdout (text, or one JSON document with {@code
 * --json}); log lines and the progress bar to stderr.
 *
 * <p>Exit 0 when every line was applied or already there (a line still being written, left for
 * later, is fine); 1 when lines went to quarantine, or meta.db or a file failed, or another replay
 * runs; 2 on bad usage (unknown option or table, missing file); 3 when meta.db's schema is newer.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = "Apply the error spool (logs/meta-db-errors-*.jsonl) to meta.db exactly once; safe to rerun or interrupt.",
    footer = {
      "",
      "Examples:",
      "  metadb replay                                  # every spool file in <home>/logs, oldest first",
      "  metadb replay --dry-run                        # validate and count, write nothing",
      "  metadb replay --spool /mnt/old-host/logs --json",
      "  metadb replay --trail watchdog_events /var/log/agents/watchdog-events-2026-11-24.jsonl",
      "",
      "Finished files move to <home>/logs/replayed/; lines that cannot be applied go to"
          + " <home>/logs/quarantine/<file>.rejects.jsonl with the reason and are not retried.",
      "Exit 0 all applied or already there, 1 lines quarantined or a failure, 2 bad usage,"
          + " 3 meta.db schema newer than this metadb."
    })
final class ReplayCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Below this much spool a progress bar would only flicker. */
  private static final long PROGRESS_MIN_BYTES = 16L << 20;

  @Mixin HomeOption home;

  @Spec CommandSpec spec;

  @Option(names = "--spool", paramLabel = "FILE|DIR", description = "replay this spool file, or the spool files in this directory (default: <home>/logs)")
  Path spool;

  @Option(names = "--trail", arity = "2", paramLabel = "TABLE FILE", description = "import FILE, one TABLE data object per line (repeatable)")
  List<String> trails = new ArrayList<>();

  @Option(names = "--dry-run", description = "read and validate everything, write nothing, report what would happen")
  boolean dryRun;

  @Option(names = "--json", description = "print the summary as one JSON document")
  boolean json;

  @Override
  public Integer call() throws IOException, MetaDatabaseException, ReplayBusyException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Consumer<String> log = line -> {
      err.println("metadb replay: " + line);
      err.flush();
    };
    Home resolved = home.home();
    List<ReplaySource> sources;
    try {
      sources = sources(resolved);
    } catch (NoSuchFileException e) {
      throw CommandException.input(Failures.message(e));
    } catch (InvalidEventException e) {
      throw CommandException.input("--trail: " + e.getMessage());
    }
    ReplayRequest request = ReplayRequest.of(resolved, sources, dryRun);
    ReplaySummary summary;
    try {
      summary = Replay.run(request, progress(sources, err), log);
    } catch (SQLException | IOException e) {
      throw CommandException.failure("cannot open " + resolved.metaDb() + ": " + Failures.message(e), e);
    }
    if (json) {
      out.println(JSON.writeValueAsString(toJson(summary, resolved)));
    } else {
      printText(summary, resolved, out);
    }
    out.flush();
    if (summary.failure() != null) {
      log.accept("stopped: " + summary.failure() + " (what committed is kept; rerun to resume)");
      return ExitCode.FAILURE;
    }
    return summary.clean() ? ExitCode.OK : ExitCode.FAILURE;
  }

  private List<ReplaySource> sources(Home resolved) throws IOException, InvalidEventException {
    List<ReplaySource> sources = new ArrayList<>();
    if (spool != null) {
      SpoolFiles.named(spool).forEach(file -> sources.add(ReplaySource.spool(file)));
    }
    for (int i = 0; i + 1 < trails.size(); i += 2) {
      Table table = EventValidator.table(trails.get(i));
      Path file = Path.of(trails.get(i + 1));
      if (!Files.isRegularFile(file)) {
        throw new NoSuchFileException(file.toString(), null, "no such trail file");
      }
      sources.add(ReplaySource.trail(table, file));
    }
    if (spool == null && trails.isEmpty()) {
      SpoolFiles.inHome(resolved).forEach(file -> sources.add(ReplaySource.spool(file)));
    }
    return sources;
  }

  private static ReplayProgress progress(List<ReplaySource> sources, PrintWriter err) {
    if (!StderrTerminal.isTerminal()) {
      return ReplayProgress.NONE;
    }
    long total = 0;
    for (ReplaySource source : sources) {
      try {
        total += Files.size(source.file());
      } catch (IOException e) {
        // the replay itself reports an unreadable file; the bar only needs an estimate
      }
    }
    return total >= PROGRESS_MIN_BYTES ? new ProgressBar(err) : ReplayProgress.NONE;
  }

  private static void printText(ReplaySummary s, Home home, PrintWriter out) {
    String files = s.files().size() + (s.files().size() == 1 ? " file" : " files");
    String blank = s.blank() > 0 ? " (" + s.blank() + " blank lines ignored)" : "";
    if (s.dryRun()) {
      out.printf("dry run, nothing written: %s, %d lines would be applied, %d duplicates skipped, %d would be quarantined, %d left for later%s%n",
          files, s.inserted(), s.duplicates(), s.quarantined(), s.leftForLater(), blank);
    } else {
      out.printf("%s: %d lines applied, %d duplicates skipped, %d quarantined, %d left for later%s%n",
          files, s.inserted(), s.duplicates(), s.quarantined(), s.leftForLater(), blank);
    }
    for (FileResult f : s.files()) {
      StringBuilder line = new StringBuilder("  ").append(f.file()).append(": ")
          .append(f.inserted()).append(" applied, ")
          .append(f.duplicates()).append(" duplicates, ")
          .append(f.quarantined()).append(" quarantined");
      if (f.alreadyDone() > 0) {
        line.append(", ").append(f.alreadyDone()).append(" lines replayed before");
      }
      if (f.pendingBytes() > 0) {
        line.append(", incomplete last line (").append(f.pendingBytes()).append(" bytes) left for later");
      }
      if (f.movedTo() != null) {
        line.append(s.dryRun() ? " -> would move to " : " -> moved to ").append(f.movedTo());
      }
      out.println(line);
    }
    if (s.quarantined() > 0) {
      out.println((s.dryRun() ? "would quarantine in " : "quarantined lines and their reasons: ") + home.quarantineDir());
    }
  }

  private static ObjectNode toJson(ReplaySummary s, Home home) {
    ObjectNode root = JSON.createObjectNode();
    root.put("dry_run", s.dryRun());
    root.put("files", s.files().size());
    root.put("applied", s.inserted());
    root.put("duplicates", s.duplicates());
    root.put("quarantined", s.quarantined());
    root.put("left_for_later", s.leftForLater());
    root.put("blank", s.blank());
    root.put("moved", s.moved());
    root.put("quarantine_dir", home.quarantineDir().toString());
    if (s.failure() == null) {
      root.putNull("failure");
    } else {
      root.put("failure", s.failure());
    }
    ArrayNode files = root.putArray("per_file");
    for (FileResult f : s.files()) {
      ObjectNode file = files.addObject();
      file.put("file", f.file().toString());
      file.put("applied", f.inserted());
      file.put("duplicates", f.duplicates());
      file.put("quarantined", f.quarantined());
      file.put("blank", f.blank());
      file.put("replayed_before", f.alreadyDone());
      file.put("pending_bytes", f.pendingBytes());
      if (f.movedTo() == null) {
        file.putNull("moved_to");
      } else {
        file.put("moved_to", f.movedTo().toString());
      }
    }
    return root;
  }
}
