package dev.metadb.command;

import dev.metadb.writer.ChronicleSettings;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The {@code metadb} executable: one subcommand per stage. The command line is built by {@link
 * CommandLineFactory}, which maps failures to exit codes ({@link ExitCode}); {@code System.exit}
 * happens only in {@link #main}.
 */
@Command(
    name = "metadb",
    mixinStandardHelpOptions = true,
    version = "metadb 0.1.0",
    description = {
      "Local observability store: record events without waiting on a database, ingest them into"
          + " SQLite exactly once, query them with SQL."
    },
    subcommands = {
      RecordCommand.class, IngestCommand.class, ReplayCommand.class, QueryCommand.class, ExportCommand.class,
      StatusCommand.class, TailCommand.class, VerifyCommand.class, RetainCommand.class, SchemaCommand.class,
      DemoCommand.class, CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  metadb record ticks --field source=cron   # record one event",
      "  metadb ingest                             # run the ingester (queue -> meta.db)",
      "  metadb replay                             # apply the error spool after an outage",
      "  metadb query \"SELECT source, count(*) FROM messages GROUP BY 1\"",
      "",
      "Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input, 3 meta.db schema newer than this metadb."
    })
public final class Main {
  public static void main(String[] args) {
    ChronicleSettings.disablePhoneHome();
    SqliteLibrary.useUnpacked();
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs one command line with the given streams and returns its exit code (tests call this). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return CommandLineFactory.execute(CommandLineFactory.create(new Main(), out, err), args);
  }
}
