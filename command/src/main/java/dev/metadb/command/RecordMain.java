package dev.metadb.command;

import dev.metadb.writer.ChronicleSettings;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * The cold-start entry point for {@code metadb record}, which short-lived processes call by the
 * thousand. {@link Main} builds every subcommand (and so loads SQLite, Arrow and DuckDB classes);
 * this builds only {@link RecordCommand}, so {@code bin/metadb record} can run on the slim
 * {@code lib-record/} classpath: the writer, Chronicle without its JNA/jnr native bindings,
 * jackson, picocli.
 */
public final class RecordMain {
  private RecordMain() {}

  public static void main(String[] args) {
    ChronicleSettings.disablePhoneHome();
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    CommandLine cl = new CommandLine(new RecordCommand());
    cl.setCommandName("metadb record");
    cl.setOut(out);
    cl.setErr(err);
    int code = cl.execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }
}
