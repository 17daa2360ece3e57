package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The errors a newcomer meets first say what to do next. */
class HintsTest {
  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void queryWithEventsQueuedAndNoIngesterSaysToStartOne() {
    String home = tmp.resolve("h").toString();
    assertEquals(0, run("record", "--home", home, "ticks", "--field", "source=x").code);
    Run before = run("query", "--home", home, "SELECT count(*) AS n FROM ticks");
    assertEquals(1, before.code, before.err);
    assertTrue(before.err.contains("nothing has been ingested yet (run metadb ingest)"), before.err);

    assertEquals(0, run("ingest", "--home", home, "--once").code);
    assertEquals(0, run("record", "--home", home, "ticks", "--field", "source=y").code);
    Run query = run("query", "--home", home, "--format", "csv", "SELECT count(*) AS n FROM ticks");
    assertEquals(0, query.code, query.err);
    assertEquals("n\n1", query.out.strip().replace("\r", ""), "the second event is still queued");
    assertTrue(query.err.contains("no ingester is running"), query.err);
    assertTrue(query.err.contains("hint: run `metadb ingest`"), query.err);
  }

  @Test
  void newerSchemaSaysWhichMetadbToUse() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("h"));
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.resolve("meta.db"));
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 99");
    }
    for (String[] args : new String[][] {{"status"}, {"ingest", "--once"}}) {
      String[] full = new String[args.length + 2];
      System.arraycopy(args, 0, full, 0, args.length);
      full[args.length] = "--home";
      full[args.length + 1] = home.toString();
      Run r = run(full);
      assertEquals(3, r.code, String.join(" ", args) + ": " + r.err);
      assertTrue(r.err.contains("meta.db schema v99 is newer than this metadb (v" + dev.metadb.store.Schema.VERSION + ")"), r.err);
      assertTrue(r.err.contains("hint: a newer metadb has upgraded this meta.db"), r.err);
    }
  }

  @Test
  void noHintWhenThereIsNothingToSay() {
    Run query = run("query", "--home", tmp.resolve("empty").toString(), "SELECT 1 AS one");
    assertFalse(query.err.contains("hint:"), query.err);
  }
}
