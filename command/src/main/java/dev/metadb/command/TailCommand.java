package dev.metadb.command;

import dev.metadb.event.Table;
import dev.metadb.query.Tail;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code metadb tail}: committed rows in commit order ({@link Tail} says why none is missed or
 * repeated). Read-only. Ends at once when stdout's reader goes away ({@link StdoutWatch}); SIGINT
 * ends it like any command (nothing to clean up: it holds only a read-only connection).
 */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Print committed rows of meta.db in commit order: the last N, or every row since a time;"
          + " with -f keep printing rows as the ingester commits them.",
      "Read-only: safe beside the ingester, replay and queries. --where filters with the same"
          + " locked-down SQL as query."
    },
    footer = {
      "",
      "Examples:",
      "  metadb tail -f                                   # every table, as rows arrive",
      "  metadb tail -f messages --where \"direction = 'inbound'\"",
      "  metadb tail --since 2026-11-25T00:00:00Z --format json crashes | jq .detail_json",
      "  metadb tail -n 50 cli_invocations mcp_tool_calls",
      "",
      "Order: per table the commit order (id); across tables by ingested_at, then table, then id.",
      "Exit: 0 ok (also when stdout's reader went away), 2 bad table, --where or option, 1 failure."
    })
final class TailCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "TABLE", arity = "0..*", description = "tables to follow (default: all)")
  List<String> tables = new ArrayList<>();

  @Option(names = "--where", paramLabel = "SQL-EXPR", description = "only rows for which this SQL expression is true")
  String where;

  @Option(names = "--since", paramLabel = "TS", description = "start at the first row with ts_utc at or after TS (ISO-8601)")
  String since;

  @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "10",
      description = "without --since: start with the last N rows (default 10)")
  int lines;

  @Option(names = {"-f", "--follow"}, description = "keep printing rows as they are committed")
  boolean follow;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table", description = "table (default) or json (one object per line)")
  String format;

  @Option(names = "--interval-ms", paramLabel = "MS", defaultValue = "200", description = "with -f: how often meta.db is read (default 200)")
  long intervalMillis;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Tail.Format tailFormat;
    List<Table> chosen = new ArrayList<>();
    Instant start;
    try {
      tailFormat = Tail.Format.valueOf(format.toUpperCase(Locale.ROOT));
      for (String name : tables) {
        chosen.add(Table.byName(name).orElseThrow(
            () -> new IllegalArgumentException(Table.unknownTableMessage(name))));
      }
      if (lines < 0 || intervalMillis < 1) {
        throw new IllegalArgumentException("-n must be 0 or more and --interval-ms at least 1");
      }
      start = QueryCommand.instant("--since", since);
    } catch (IllegalArgumentException e) {
      throw CommandException.input(e.getMessage().startsWith("No enum") ? "--format " + format + " is not one of table, json" : e.getMessage());
    }
    StdoutWatch watch = new StdoutWatch();
    try (Tail tail = Tail.open(home.home(), chosen, where, start, lines, tailFormat)) {
      while (true) {
        for (String line : tail.poll()) {
          out.println(line);
        }
        out.flush();
        if (out.checkError() || watch.readerGone() || !follow) {
          return ExitCode.OK;
        }
        Thread.sleep(intervalMillis);
      }
    }
  }
}
