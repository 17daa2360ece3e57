package dev.metadb.command;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code metadb} executable: one subcommand per stage. {@code System.exit} happens only here. */
@Command(
    name = "metadb",
    mixinStandardHelpOptions = true,
    version = "metadb 0.1.0",
    description = "Local observability store: record events without waiting on a database, ingest them into SQLite exactly once, query them with SQL.",
    subcommands = {RecordCommand.class, IngestCommand.class, StatusCommand.class, CommandLine.HelpCommand.class})
public final class Main {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code; tests call this in-process. */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }
}
