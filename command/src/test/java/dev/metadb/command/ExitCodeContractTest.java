package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.ingester.IngestLock;
import dev.metadb.store.Schema;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The whole exit-code contract in one table (README, DESIGN.md): 0 ok, 1 runtime failure, 2 bad
 * usage or input, 3 meta.db schema newer than this metadb. Each row runs a real command line
 * against a home prepared for it and checks the code and the first stderr line, which is always
 * {@code metadb <cmd>: ...} (no stack trace, no usage dump), plus the hint where there is one.
 */
class ExitCodeContractTest {
  @TempDir static Path tmp;

  /** A home in a given state, made fresh for each row. */
  enum State {
    EMPTY,
    SCHEMA_NEWER,
    NOT_A_DATABASE,
    INGESTER_RUNNING
  }

  record Row(String name, State state, int exit, String firstLine, String hint, String... args) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        new Row("status of an empty home", State.EMPTY, 0, null, null, "status"),
        new Row("unknown option", State.EMPTY, 2, "metadb status: Unknown option: '--nope'", "`metadb status --help`", "status", "--nope"),
        new Row("unquoted SQL", State.EMPTY, 2, "metadb query: the SQL must be one argument, in quotes: `metadb query \"SELECT 1\" --home ", null, "query", "SELECT", "1"),
        new Row("unknown table", State.EMPTY, 2, "metadb record: ", null, "record", "nosuch", "--field", "a=b"),
        new Row("record without input", State.EMPTY, 2, "metadb record: give exactly one of", null, "record", "ticks"),
        new Row("record invalid JSON", State.EMPTY, 2, "metadb record: ticks --json: line 1, column 2: unexpected end of input (an object is not closed)", null, "record", "ticks", "--json", "{"),
        new Row("ingest bad option value", State.EMPTY, 2, "metadb ingest: ", null, "ingest", "--once", "--batch-size", "0"),
        new Row("query bad timestamp", State.EMPTY, 2, "metadb query: --since yesterday is not a timestamp", null, "query", "--since", "yesterday", "SELECT 1"),
        new Row("query bad format", State.EMPTY, 2, "metadb query: --format xml is not one of", null, "query", "--format", "xml", "SELECT 1"),
        new Row("export unknown table", State.EMPTY, 2, "metadb export: unknown table nosuch", null, "export", "OUT", "--tables", "nosuch"),
        new Row("replay missing spool file", State.EMPTY, 2, "metadb replay: ", null, "replay", "--spool", "MISSING"),
        new Row("status schema newer", State.SCHEMA_NEWER, 3, "metadb status: meta.db schema v99 is newer than this metadb (v" + Schema.VERSION + ")", "a newer metadb has upgraded this meta.db", "status"),
        new Row("ingest schema newer", State.SCHEMA_NEWER, 3, "metadb ingest: meta.db schema v99", "a newer metadb", "ingest", "--once"),
        new Row("query schema newer", State.SCHEMA_NEWER, 3, "metadb query: ", "a newer metadb", "query", "SELECT count(*) FROM ticks"),
        new Row("export schema newer", State.SCHEMA_NEWER, 3, "metadb export: ", "a newer metadb", "export", "OUT"),
        new Row("replay schema newer", State.SCHEMA_NEWER, 3, "metadb replay: meta.db schema v99", "a newer metadb", "replay"),
        new Row("status not a database", State.NOT_A_DATABASE, 1, "metadb status: ", "the file is not SQLite", "status"),
        new Row("ingest not a database", State.NOT_A_DATABASE, 1, "metadb ingest: ", "the file is not SQLite", "ingest", "--once"),
        new Row("second ingester", State.INGESTER_RUNNING, 1, "metadb ingest: another ingester (pid ", "one ingester per home", "ingest", "--once"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void exitCodeAndMessage(Row row) throws Exception {
    Path home = Files.createTempDirectory(tmp, "home");
    List<String> args = new ArrayList<>();
    for (String a : row.args) {
      args.add(a.equals("OUT") ? home.resolve("out").toString() : a.equals("MISSING") ? home.resolve("missing.jsonl").toString() : a);
    }
    args.addAll(List.of("--home", home.toString()));
    IngestLock lock = prepare(row.state, home);
    Run r;
    try {
      r = run(Main::run, args);
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
    assertEquals(row.exit, r.exit, row + ": " + r.err);
    check(row.firstLine, row.hint, r);
  }

  /** {@code metadb record} through its own main (the slim classpath's), same contract. */
  @ParameterizedTest(name = "record main: {0}")
  @MethodSource("rows")
  void recordMainAgrees(Row row) throws Exception {
    if (!row.args[0].equals("record")) {
      return;
    }
    Path home = Files.createTempDirectory(tmp, "home");
    List<String> args = new ArrayList<>(List.of(row.args).subList(1, row.args.length));
    args.addAll(List.of("--home", home.toString()));
    Run r = run(RecordMain::run, args);
    assertEquals(row.exit, r.exit, r.err);
    check(row.firstLine, row.hint, r);
  }

  /** What a subcommand throws, mapped: the typed failures, picocli's, and a bug's. */
  static Stream<Arguments> thrown() {
    return Stream.of(
        Arguments.of(CommandException.input("--x: bad", "try --y"), 2, "metadb probe: --x: bad", "try --y"),
        Arguments.of(CommandException.failure("disk gone", null), 1, "metadb probe: disk gone", null),
        Arguments.of(new IllegalArgumentException("home /x: not a directory"), 2, "metadb probe: home /x: not a directory", null),
        Arguments.of(new UncheckedIOException(new NoSuchFileException("/x/y")), 1, "metadb probe: /x/y: no such file or directory", null),
        Arguments.of(new IOException("read failed"), 1, "metadb probe: read failed", null),
        Arguments.of(new IllegalStateException(new java.sql.SQLException("boom")), 1, "metadb probe: SQLException: boom", null),
        Arguments.of(new NullPointerException(), 1, "metadb probe: NullPointerException", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("thrown")
  void thrownFailureIsMappedOnce(Exception error, int exit, String firstLine, String hint) {
    @Command(name = "metadb probe")
    class Probe implements Callable<Integer> {
      @Override
      public Integer call() throws Exception {
        throw error;
      }
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = CommandLineFactory.create(new Probe(), new PrintWriter(out), new PrintWriter(err));
    Run r = new Run(CommandLineFactory.execute(cl), out.toString(), err.toString());
    assertEquals(exit, r.exit, r.err);
    check(firstLine, hint, r);
  }

  private static void check(String firstLine, String hint, Run r) {
    if (firstLine == null) {
      assertFalse(r.err.contains("hint:"), r.err);
      return;
    }
    String first = r.err.lines().findFirst().orElse("");
    assertTrue(first.startsWith(firstLine), "first stderr line: " + first + "\nall:\n" + r.err);
    assertFalse(r.err.contains("\tat "), "no stack trace:\n" + r.err);
    assertFalse(r.err.contains("Usage:"), "no usage dump:\n" + r.err);
    if (hint != null) {
      assertTrue(r.err.lines().anyMatch(l -> l.startsWith("  hint: ") && l.contains(hint)), r.err);
    }
  }

  private static IngestLock prepare(State state, Path home) throws Exception {
    switch (state) {
      case EMPTY -> {}
      case SCHEMA_NEWER -> {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("meta.db"));
            Statement s = c.createStatement()) {
          s.execute("PRAGMA user_version = 99");
        }
        Files.writeString(Files.createDirectories(home.resolve("logs")).resolve("meta-db-errors-2026-01-01.jsonl"), "");
      }
      case NOT_A_DATABASE -> Files.writeString(home.resolve("meta.db"), "this is not a database, it is a text file of some length\n".repeat(20));
      case INGESTER_RUNNING -> {
        return IngestLock.acquire(new Home(home));
      }
    }
    return null;
  }

  private record Run(int exit, String out, String err) {}

  private interface Entry {
    int run(PrintWriter out, PrintWriter err, String... args);
  }

  private static Run run(Entry entry, List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = entry.run(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }
}
