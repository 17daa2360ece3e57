package dev.metadb.command;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process {@code metadb} invocation with its exit code, stdout and stderr captured. */
record CommandRun(int exit, String out, String err) {
  static CommandRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new CommandRun(exit, out.toString(), err.toString());
  }
}
