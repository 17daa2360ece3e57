package dev.metadb.command;

import dev.metadb.event.Timestamps;
import dev.metadb.query.LakeQuery;
import dev.metadb.query.QueryEngine;
import dev.metadb.query.QueryException;
import dev.metadb.query.ResultFormat;
import dev.metadb.query.TimeWindow;
import dev.metadb.writer.Home;
import dev.metadb.writer.PrivateFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code metadb query}: SQL over meta.db, read-only. The result goes to stdout (or {@code --out}),
 * messages to stderr. Exit 0 ok, 2 for SQL that is invalid, refused or names an unknown table (and
 * for bad options), 3 when meta.db is newer than this metadb, 1 for anything else.
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = {
      "Run one SQL SELECT over meta.db's tables.",
      "meta.db is opened read-only: queries never block the ingester. Tables are snapshotted into"
          + " Arrow (kept under HOME/snapshots and extended incrementally) and the SQL runs in an"
          + " offline, locked-down DuckDB."
    },
    footer = {
      "",
      "Examples:",
      "  metadb query \"SELECT source, count(*) AS n FROM messages GROUP BY source ORDER BY n DESC\"",
      "  metadb query --format json \"SELECT agent, avg(duration_ms) FROM mcp_tool_calls GROUP BY agent\"",
      "  metadb query --since 2026-11-25T00:00:00Z --format csv --out today.csv \"SELECT * FROM crashes\"",
      "  metadb query --format arrow --out calls.arrow \"SELECT * FROM mcp_tool_calls\"",
      "  metadb query --lake /mnt/lake \"SELECT host, count(*) FROM crashes WHERE date >= DATE '2026-12-01' GROUP BY host\"",
      "",
      "Statements that write, ATTACH, COPY, INSTALL, LOAD or read files are refused.",
      "Exit: 0 ok, 2 invalid or refused SQL / unknown table, 3 meta.db newer than this metadb, 1 failure."
    })
final class QueryCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Spec CommandSpec spec;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default), csv, json (one document) or arrow (Arrow IPC stream)")
  String format;

  @Option(names = "--out", paramLabel = "FILE", description = "write the result to FILE instead of stdout")
  Path out;

  @Option(names = "--since", paramLabel = "TS", description = "only rows with ts_utc at or after TS (ISO-8601)")
  String since;

  @Option(names = "--until", paramLabel = "TS", description = "only rows with ts_utc before TS (ISO-8601)")
  String until;

  @Option(names = "--lake", paramLabel = "LAKE_DIR",
      description = "query every host's rows in a lake written by export --format parquet, not meta.db")
  Path lake;

  @Parameters(index = "0", paramLabel = "SQL", description = "one SELECT statement")
  String sql;

  @Override
  public Integer call() throws QueryException {
    PrintWriter err = spec.commandLine().getErr();
    ResultFormat resultFormat;
    try {
      resultFormat = ResultFormat.parse(format);
    } catch (IllegalArgumentException e) {
      throw CommandException.input("--format " + format + " is not one of table, csv, json, arrow");
    }
    TimeWindow window = new TimeWindow(instant("--since", since), instant("--until", until));
    if (resultFormat == ResultFormat.ARROW && out == null && System.console() != null) {
      throw CommandException.input("--format arrow is binary: use --out FILE or pipe stdout to a program");
    }
    if (lake != null) {
      // The same SQL over a lake's Parquet files: meta.db and the home are not touched.
      try (LakeQuery engine = LakeQuery.open(lake, window)) {
        return run((format, sink) -> engine.query(sql, format, sink), resultFormat);
      }
    }
    Home resolved = home.homeToRead();
    NoIngesterNote.printIfNoIngester(resolved, err);
    try (QueryEngine engine = QueryEngine.open(resolved, QueryEngine.SnapshotMode.INCREMENTAL, line -> err.println("metadb query: " + line))) {
      return run((format, sink) -> engine.query(sql, window, format, sink), resultFormat);
    }
  }

  /** One query's run into a sink, whichever engine runs it. */
  private interface Query {
    void run(ResultFormat format, OutputStream sink) throws QueryException;
  }

  private int run(Query query, ResultFormat resultFormat) throws QueryException {
    try {
      if (out == null) {
        try (OutputStream stdout = new TextOutput(spec.commandLine().getOut())) {
          query.run(resultFormat, resultFormat == ResultFormat.ARROW ? System.out : stdout);
        }
      } else {
        writeFile(query, resultFormat);
      }
      return ExitCode.OK;
    } catch (IOException e) {
      throw CommandException.failure("cannot write the result: " + Failures.message(e), e);
    }
  }

  /** Writes the result to a temporary file renamed to {@link #out}: a failed query leaves no half file. */
  private void writeFile(Query query, ResultFormat resultFormat) throws QueryException, IOException {
    Path target = out.toAbsolutePath();
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
    try {
      try (OutputStream file = new BufferedOutputStream(
          Channels.newOutputStream(PrivateFiles.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)), 1 << 16)) {
        query.run(resultFormat, file);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The instant of an option's value, or null when it was not given. */
  static Instant instant(String option, String text) {
    if (text == null) {
      return null;
    }
    try {
      return Timestamps.parse(text);
    } catch (Timestamps.OutOfRangeException e) {
      throw new IllegalArgumentException(option + " " + e.getMessage());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(option + " " + text + " is not a timestamp (example: 2026-11-25T02:44:00Z)");
    }
  }
}
