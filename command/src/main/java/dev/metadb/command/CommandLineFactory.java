package dev.metadb.command;

import java.io.PrintWriter;
import java.util.OptionalInt;
import picocli.CommandLine;

/**
 * Builds every {@code metadb} command line, for {@link Main} and {@link RecordMain} alike: the
 * streams (injected, so tests capture them), the one exit-code mapper ({@link ExitCode#of}) and
 * the one handler that prints failures ({@link Failures}), and the help's layout ({@link
 * HelpLayout}). A subcommand returns an exit code when
 * it has a result to report (0, or 1 when what it found is a failure) and otherwise just throws:
 * a {@link CommandException}, or a stage's exception as it is.
 */
final class CommandLineFactory {
  private CommandLineFactory() {}

  static CommandLine create(Object command, PrintWriter out, PrintWriter err) {
    return create(command, out, err, OptionalInt.empty());
  }

  /** As {@link #create(Object, PrintWriter, PrintWriter)}, with help laid out for {@code columns}. */
  static CommandLine create(Object command, PrintWriter out, PrintWriter err, OptionalInt columns) {
    Failures failures = new Failures();
    CommandLine cl = new CommandLine(command);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(failures);
    cl.setParameterExceptionHandler(failures);
    cl.setExitCodeExceptionMapper(ExitCode::of);
    HelpLayout.apply(cl, columns);
    return cl;
  }

  /** Runs {@code args} on a command line made by {@link #create}; returns the exit code. */
  static int execute(CommandLine cl, String... args) {
    int code = cl.execute(args);
    cl.getOut().flush();
    cl.getErr().flush();
    return code;
  }
}
