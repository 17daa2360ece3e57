package dev.metadb.faults;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metadb.command.Main;
import dev.metadb.event.Column;
import dev.metadb.event.ColumnType;
import dev.metadb.event.EventValidator;
import dev.metadb.event.Table;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Fault class "hostile input" at the first edge: {@code metadb record} fed random bytes, huge
 * values and wrong types ({@link HostileInput}), through {@code --json} in-process (thousands
 * of cases), through stdin in child JVMs (random bytes, invalid UTF-8, 1 MiB lines) and through
 * random argv in child JVMs. Then the largest valid event of a table (every text value at the
 * 1 MiB limit, made of characters JSON must escape) through the inbox and through the spool.
 *
 * <p>Must hold: every invalid input exits 2 with one line naming the problem (table, column,
 * limit), nothing crashes (no exit 1, no stack trace), nothing invalid reaches meta.db; every
 * accepted event (its id printed) lands exactly once after ingest and replay.
 */
@Order(5)
class HostileRecordFaultTest {
  @Test
  void recordRejectsHostileInputClearlyAndEverythingItAcceptedLandsOnce() throws Exception {
    String test = "HostileRecordFaultTest";
    Seed seed = Seed.of(test, HostileRecordFaultTest.class);
    int inProcess = Scale.of("hostile.cases", 300, 3_000);
    int spoolCases = Scale.of("hostile.spoolcases", 30, 300);
    int stdinChildren = Scale.of("hostile.stdin", 2, 10);
    int argvChildren = Scale.of("hostile.argv", 2, 10);
    List<Table> largest = Scale.FULL ? List.of(Table.values()) : List.of(Table.COMMUNICATION_EVENTS, Table.MCP_TOOL_CALLS);
    long started = System.nanoTime();
    try (Harness h = new Harness(test, seed)) {
      Random r = h.random;
      List<String> violations = new ArrayList<>();
      long seq = 0;

      // The spool path: a regular file where the inbox directory belongs.
      Files.createDirectories(h.home.dir());
      Files.writeString(h.home.inboxDir(), "not a directory\n");
      for (int i = 0; i < spoolCases; i++, seq++) {
        inProcess(h, HostileInput.random(r, "rec", seq, i % 10 == 0, null), violations);
      }
      for (Table table : largest) {
        largestEvent(h, table, seq++, violations, "spool");
      }
      Files.delete(h.home.inboxDir());
      lap(test, "spool path", started);

      // The inbox path.
      for (int i = 0; i < inProcess; i++, seq++) {
        inProcess(h, HostileInput.random(r, "rec", seq, i % 20 == 0, null), violations);
      }
      lap(test, "inbox path, random cases", started);
      for (Table table : largest) {
        largestEvent(h, table, seq++, violations, "inbox");
      }
      lap(test, "inbox path, largest events", started);

      // stdin and argv, in child JVMs: the real process edge.
      for (int c = 0; c < stdinChildren; c++) {
        seq = stdinChild(h, r, seq, c, violations);
      }
      for (int c = 0; c < argvChildren; c++) {
        argvChild(h, r, c, violations);
      }
      lap(test, "child JVMs", started);

      h.faultsOver();
      h.startIngester();
      long recovery = h.recover(Duration.ofSeconds(120));
      h.finalDrain(0);
      Audit.Result a = h.audit();
      for (String v : violations.subList(0, Math.min(10, violations.size()))) {
        h.require(false, v);
      }
      h.require(violations.size() <= 10, violations.size() + " cases in all did not get what they must");
      h.report("hostile input", "metadb record: random bytes, huge values, wrong types (in-process --json, stdin and argv in child JVMs)",
          a, recovery, started, "");
      h.passed();
    }
  }

  /** One {@code metadb record TABLE --json ...} in this JVM, checked against its case. */
  private static void inProcess(Harness h, HostileInput c, List<String> violations) {
    h.count("record --json: " + c.kind());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out), new PrintWriter(err), "record", c.table(), "--home", h.home.dir().toString(), "--json", c.text());
    check(h, c, exit, out.toString(), err.toString(), "in-process", violations);
  }

  private static void check(Harness h, HostileInput c, int exit, String out, String err, String where, List<String> violations) {
    String what = where + " " + c.kind() + " " + c.table() + ": exit " + exit + ", stderr " + abbreviate(err);
    List<String> ids = out.lines().filter(l -> !l.isBlank()).toList();
    if (c.mayAccept() && !c.mustAccept()) {
      h.observe(c.kind() + (exit == 0 ? " recorded" : " refused (exit " + exit + ")"));
    }
    if (exit == 0 && c.mayAccept() && ids.size() == 1) {
      h.books.told("rec", -1, ids.get(0), Books.Status.QUEUED);
    } else if (exit == 2 && !c.mustAccept() && ids.isEmpty()) {
      String first = err.lines().findFirst().orElse("");
      if (!first.startsWith("metadb record: ") || !c.mustMention().stream().allMatch(first::contains)) {
        violations.add(what + " (the message must name " + c.mustMention() + ")");
      }
    } else {
      violations.add(what + (c.mustAccept() ? " (must be recorded)" : " (must be refused with exit 2)"));
    }
    if (err.contains("\tat ") || err.contains("Exception in thread")) {
      violations.add(what + " (printed a stack trace)");
    }
  }

  /**
   * The biggest event {@code table} accepts: every text value at the limit and made of control
   * characters (each becomes 6 bytes once JSON-escaped), every *_json value at the limit and made
   * of escaped quotes. It must be recorded, and land, whichever way it goes.
   */
  private static void largestEvent(Harness h, Table table, long seq, List<String> violations, String path) {
    h.count("largest valid event via the " + path);
    ObjectNode data = EventFactory.data(table, "rec", seq, new Random(seq));
    int limit = EventValidator.MAX_VALUE_BYTES;
    for (Column c : table.columns()) {
      String marker = c == EventFactory.markerColumn(table) ? "fw:rec:" + seq + " " : "";
      if (c.type() == ColumnType.TEXT) {
        data.put(c.name(), marker + "\u0001".repeat(limit - marker.length()));
      } else if (c.type() == ColumnType.JSON) {
        String head = "[\"" + marker;
        data.put(c.name(), head + "\\\"".repeat((limit - head.length() - 2) / 2) + "\"]");
      }
    }
    HostileInput c = new HostileInput(HostileInput.Kind.VALID, table.sqlName(), data.toString().getBytes(StandardCharsets.UTF_8), List.of());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out), new PrintWriter(err), "record", table.sqlName(), "--home", h.home.dir().toString(), "--json", c.text());
    check(h, c, exit, out.toString(), err.toString(), "largest event (" + (c.bytes().length >> 20) + " MiB of JSON) via the " + path, violations);
  }

  /** {@code metadb record TABLE -} in a child JVM, stdin a mix of every kind plus invalid UTF-8. */
  private static long stdinChild(Harness h, Random r, long seq, int n, List<String> violations) throws Exception {
    Table fixed = Table.values()[r.nextInt(Table.values().length)];
    String table = fixed.sqlName();
    int lines = Scale.of("hostile.stdinlines", 150, 500);
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    List<HostileInput> cases = new ArrayList<>();
    for (int i = 0; i < lines; i++, seq++) {
      HostileInput c = r.nextInt(10) == 0
          ? HostileInput.of(HostileInput.Kind.INVALID_UTF8, r, "rec", seq, fixed)
          : HostileInput.random(r, "rec", seq, i % 25 == 0, fixed);
      cases.add(c);
      input.write(c.bytes());
      input.write('\n');
      h.count("record - (stdin): " + c.kind());
    }
    Path stdin = h.root.resolve("stdin-" + n + ".jsonl");
    Files.write(stdin, input.toByteArray());
    ChildProcess child = ChildProcess.start("record-stdin-" + n, Main.class, Map.of(), h.logs, true, stdin,
        "record", table, "--home", h.home.dir().toString(), "-");
    int exit = child.await(Duration.ofSeconds(120));
    List<String> ids = Files.readAllLines(child.stdoutFile(), StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    Map<String, String> err = new java.util.HashMap<>();
    for (String line : child.stderrAll()) {
      int at = line.indexOf(": ", "metadb record: stdin line ".length());
      if (line.startsWith("metadb record: stdin line ") && at > 0 && !line.contains("spooled for replay")) {
        err.put(line.substring(0, at + 2), line);
      }
    }
    int accepted = 0;
    for (int i = 0; i < cases.size(); i++) {
      HostileInput c = cases.get(i);
      String prefix = "metadb record: stdin line " + (i + 1) + ": ";
      String message = err.get(prefix);
      String what = "stdin line " + (i + 1) + " " + c.kind() + ": " + (message == null ? "accepted" : message);
      if (c.mayAccept() && !c.mustAccept()) {
        h.observe(c.kind() + " on stdin" + (message == null ? " recorded" : " refused (exit 2)"));
      }
      if (message == null) {
        if (!c.mayAccept()) {
          violations.add(what + " (must be refused)");
        }
        accepted++;
      } else if (c.mustAccept()) {
        violations.add(what + " (must be recorded)");
      } else if (!c.mustMention().stream().allMatch(message::contains)) {
        violations.add(what + " (the message must name " + c.mustMention() + ")");
      }
    }
    if (ids.size() != accepted) {
      violations.add("stdin child " + n + ": printed " + ids.size() + " ids for " + accepted + " accepted lines");
    } else {
      ids.forEach(id -> h.books.told("rec", -1, id, Books.Status.QUEUED));
    }
    if (exit != 2 || !child.crashLines().isEmpty()) {
      violations.add("stdin child " + n + ": exit " + exit + " (must be 2: some lines are invalid), crash lines " + child.crashLines());
    }
    return seq;
  }

  /** {@code metadb record} with random argv in a child JVM: exit 2, one line, no crash. */
  private static void argvChild(Harness h, Random r, int n, List<String> violations) throws Exception {
    List<String> args = new ArrayList<>(List.of("record"));
    int shape = r.nextInt(4);
    args.add(shape == 0 ? randomText(r, 20) : Table.values()[r.nextInt(Table.values().length)].sqlName());
    args.addAll(List.of("--home", h.home.dir().toString()));
    switch (shape) {
      case 1 -> args.addAll(List.of("--json", randomText(r, 200)));
      case 2 -> args.addAll(List.of("--field", randomText(r, 10) + "=" + randomText(r, 30), "--field", randomText(r, 5)));
      default -> args.addAll(List.of("--json", "{}", randomText(r, 15)));
    }
    h.count("record with random argv");
    ChildProcess child = ChildProcess.start("record-argv-" + n, Main.class, Map.of(), h.logs, false, args.toArray(String[]::new));
    int exit = child.await(Duration.ofSeconds(60));
    List<String> err = child.stderr();
    if (exit != 2 || err.isEmpty() || !child.crashLines().isEmpty() || !child.stdout().isEmpty()) {
      violations.add("random argv " + args.subList(0, 2) + "...: exit " + exit + " (must be 2), stdout " + child.stdout() + ", stderr " + err);
    }
  }

  /** Random text without NUL (argv cannot carry it), mixing ASCII, controls and non-ASCII. */
  private static String randomText(Random r, int max) {
    StringBuilder s = new StringBuilder();
    int n = 1 + r.nextInt(max);
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(4);
      s.appendCodePoint(switch (kind) {
        case 0 -> 1 + r.nextInt(31);
        case 1 -> 32 + r.nextInt(95);
        case 2 -> 0xA0 + r.nextInt(0x2000);
        default -> 0x1F600 + r.nextInt(80);
      });
    }
    return s.toString();
  }

  private static void lap(String test, String phase, long startedNanos) {
    System.out.println("[faults] " + test + ": " + phase + " done at " + (System.nanoTime() - startedNanos) / 1_000_000 + " ms");
  }

  private static String abbreviate(String s) {
    String one = s.replace('\n', '|');
    return one.length() > 300 ? one.substring(0, 300) + "..." : one;
  }
}
