package dev.metadb.command;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The cold-start entry point for {@code metadb record}, which short-lived processes call by the
 * thousand. {@link Main} builds every subcommand (and so loads SQLite, Arrow and DuckDB classes);
 * this builds only {@link RecordCommand}, so {@code bin/metadb record} can run on the slim
 * {@code lib-record/} classpath: the writer, jackson, picocli. Record appends to the inbox and
 * loads no Chronicle class, so no Chronicle jar is on that classpath either.
 */
public final class RecordMain {
  private RecordMain() {}

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs {@code metadb record} with the given streams and returns its exit code. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = CommandLineFactory.create(new RecordCommand(), out, err);
    cl.setCommandName("metadb record");
    return CommandLineFactory.execute(cl, args);
  }
}
