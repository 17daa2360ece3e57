package dev.metadb.command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import picocli.CommandLine;

/**
 * The cold-start entry point for {@code metadb record}, which short-lived processes call by the
 * thousand. {@link Main} builds every subcommand (and so loads SQLite, Arrow and DuckDB classes);
 * this builds only {@link RecordCommand}, so {@code bin/metadb record} can run on the slim
 * {@code lib-record/} classpath: the writer, jackson, picocli. Record appends to the inbox and
 * loads no Chronicle class, so no Chronicle jar is on that classpath either.
 */
public final class RecordMain {
  private static final String NAME = "metadb record";

  private RecordMain() {}

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs {@code metadb record} with the given streams and returns its exit code. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    RecordCommand quick = quickParse(args);
    if (quick == null) {
      CommandLine cl = CommandLineFactory.create(new RecordCommand(), out, err);
      cl.setCommandName(NAME);
      return CommandLineFactory.execute(cl, args);
    }
    int code;
    try {
      code = quick.execute(out, err);
    } catch (Exception e) {
      Failures.report(NAME, err, e);
      code = ExitCode.of(e);
    }
    out.flush();
    err.flush();
    return code;
  }

  /**
   * The argument forms scripts use, parsed without picocli: {@code TABLE}, {@code -}, {@code
   * --home DIR}, {@code --json OBJECT}, {@code --field NAME=VALUE} (repeatable), {@code
   * --json-output}, each option also as {@code --opt=value}. Null for anything else (help,
   * version, an unknown or repeated option, a missing value, {@code @file}, {@code --}), which
   * picocli then parses with its messages and suggestions. Why: picocli's classes are Java 5
   * class files, which a class-data archive cannot hold and the JVM verifies the slow way; on the
   * quick path a cold record does not load them (see docs/benchmarks.md, cold record).
   */
  static RecordCommand quickParse(String... args) {
    RecordCommand c = new RecordCommand();
    c.home = new HomeOption();
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      int eq = arg.indexOf('=');
      String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
      String value = name.equals(arg) ? (i + 1 < args.length ? args[i + 1] : null) : arg.substring(eq + 1);
      boolean inline = !name.equals(arg);
      switch (name) {
        case "--home" -> {
          if (value == null || c.home.home != null) {
            return null;
          }
          c.home.home = Path.of(value);
        }
        case "--json" -> {
          if (value == null || c.json != null) {
            return null;
          }
          c.json = value;
        }
        case "--field" -> {
          int at = value == null ? -1 : value.indexOf('=');
          if (at < 0) {
            return null;
          }
          if (c.fields == null) {
            c.fields = new LinkedHashMap<>();
          }
          c.fields.put(value.substring(0, at), value.substring(at + 1));
        }
        case "--json-output" -> {
          if (inline || c.jsonOutput) {
            return null;
          }
          c.jsonOutput = true;
          continue;
        }
        default -> {
          if (!arg.equals("-") && (arg.startsWith("-") || arg.startsWith("@"))) {
            return null;
          }
          positional.add(arg);
          continue;
        }
      }
      if (!inline) {
        i++;
      }
    }
    if (positional.isEmpty() || positional.size() > 2 || positional.get(0).equals("-")
        || (positional.size() == 2 && !positional.get(1).equals("-"))) {
      return null;
    }
    c.table = positional.get(0);
    c.stdin = positional.size() == 2 ? "-" : null;
    return c;
  }
}
