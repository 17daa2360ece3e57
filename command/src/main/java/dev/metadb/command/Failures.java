package dev.metadb.command;

import dev.metadb.writer.KnownFailure;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one place a failure becomes what the user sees: {@code metadb <cmd>: message}, then {@code
 *   hint: ...} when there is something to try, on stderr; the exit code is {@link ExitCode#of}.
 * Subcommands just throw. Unexpected exceptions (a bug) name their type; {@code METADB_DEBUG=1}
 * adds the stack trace.
 */
final class Failures implements IExecutionExceptionHandler, IParameterExceptionHandler {
  @Override
  public int handleExecutionException(Exception error, CommandLine commandLine, ParseResult parseResult) {
    report(commandLine.getCommandSpec().qualifiedName(), commandLine.getErr(), error);
    return ExitCode.of(error);
  }

  /**
   * A command line picocli could not parse: the error, picocli's suggestions, where to look. SQL
   * given to query as several words is one line: the same command with the SQL quoted.
   */
  @Override
  public int handleParseException(ParameterException error, String[] args) {
    CommandLine cl = error.getCommandLine();
    PrintWriter err = cl.getErr();
    if (error instanceof UnmatchedArgumentException unmatched && cl.getCommandName().equals("query")) {
      err.println(cl.getCommandSpec().qualifiedName() + ": the SQL must be one argument, in quotes: "
          + Hints.pasteable("`metadb " + UnquotedSql.quoted(args, unmatched.getUnmatched()) + "`"));
    } else {
      err.println(cl.getCommandSpec().qualifiedName() + ": " + error.getMessage());
      UnmatchedArgumentException.printSuggestions(error, err);
      err.println("  hint: " + Hints.pasteable("`" + cl.getCommandSpec().qualifiedName() + " --help` shows the options, with examples"));
    }
    err.flush();
    return ExitCode.USAGE;
  }

  /** Prints {@code error} as {@code command: message}, then its hint if it has one. */
  static void report(String command, PrintWriter err, Throwable error) {
    err.println(command + ": " + message(error));
    String hint = hint(error);
    if (hint != null) {
      err.println("  hint: " + Hints.pasteable(hint));
    }
    if (System.getenv("METADB_DEBUG") != null) {
      error.printStackTrace(err);
    }
    err.flush();
  }

  /**
   * One line for a person. Wrappers that only repeat their cause (UncheckedIOException) are seen
   * through; a file-system error names its path and what is wrong with it; an exception metadb
   * did not expect keeps its type, which is what a bug report needs.
   */
  static String message(Throwable error) {
    Throwable shown = error;
    while (shown.getCause() != null
        && (shown.getMessage() == null || shown.getMessage().equals(shown.getCause().toString()))) {
      shown = shown.getCause();
    }
    if (shown instanceof FileSystemException fs) {
      return fileProblem(fs);
    }
    String text = shown.getMessage();
    if (shown instanceof KnownFailure || shown instanceof IllegalArgumentException || shown instanceof IOException) {
      return text == null ? shown.getClass().getSimpleName() : text;
    }
    return shown.getClass().getSimpleName() + (text == null ? "" : ": " + text);
  }

  private static String fileProblem(FileSystemException e) {
    String what = e.getReason() != null ? e.getReason()
        : e instanceof NoSuchFileException ? "no such file or directory"
        : e instanceof FileAlreadyExistsException ? "already exists"
        : e instanceof NotDirectoryException ? "not a directory"
        : e instanceof AccessDeniedException ? "permission denied"
        : e instanceof DirectoryNotEmptyException ? "directory not empty"
        : e.getClass().getSimpleName();
    return (e.getFile() == null ? "" : e.getFile() + ": ") + what
        + (e.getOtherFile() == null ? "" : " (" + e.getOtherFile() + ")");
  }

  /** The first hint in the cause chain. */
  static String hint(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof KnownFailure known && known.hint() != null) {
        return known.hint();
      }
    }
    return null;
  }
}
