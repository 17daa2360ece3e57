package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.metadb.event.Table;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a person who mistyped sees: one line saying where and what (never the parser's internals),
 * the command to paste when the SQL was not quoted, and the name they probably meant. Exit 2.
 */
class InputMessagesTest {
  @TempDir Path tmp;

  @Test
  void invalidJsonSaysWhereAndWhat() {
    assertOneLine("metadb record: messages --json: line 1, column 17: unexpected '}'",
        "record", "messages", "--json", "{\"source\":\"bus\",}");
    assertOneLine("metadb record: ticks --json: line 1, column 1: unexpected 'nope'",
        "record", "ticks", "--json", "nope");
    assertOneLine("metadb record: ticks --json: line 1, column 14: unexpected end of input (an object is not closed)",
        "record", "ticks", "--json", "{\"source\":\"a\"");
    assertOneLine("metadb record: ticks --json: line 3, column 1: unexpected ']'",
        "record", "ticks", "--json", "{\n\"source\":\"a\",\n]");
    assertOneLine("metadb record: ticks --json: JSON nested deeper than 1000 levels",
        "record", "ticks", "--json", "{\"source\":\"a\",\"detail_json\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
  }

  @Test
  void unquotedSqlIsOneLineWithTheCommandToPaste() {
    assertOneLine("metadb query: the SQL must be one argument, in quotes: `metadb query --home " + home()
        + " --format csv \"SELECT source, count(*) FROM ticks GROUP BY 1\"`",
        "query", "--home", home(), "--format", "csv", "SELECT", "source,", "count(*)", "FROM", "ticks", "GROUP", "BY", "1");
  }

  @Test
  void unknownTableOrFieldSuggestsTheNearestName() {
    assertOneLine("metadb query: unknown table mesages; did you mean 'messages'? the tables are: " + Table.names(),
        "query", "--home", home(), "SELECT * FROM mesages");
    assertOneLine("metadb tail: unknown table tiks; did you mean 'ticks'? the tables are: " + Table.names(),
        "tail", "--home", home(), "tiks");
    assertOneLine("metadb record: mesages: unknown table, did you mean 'messages'? (tables: " + Table.names() + ")",
        "record", "mesages", "--field", "source=x");
    assertOneLine("metadb record: token: unknown table, did you mean 'token_usage'? (tables: " + Table.names() + ")",
        "record", "token", "--field", "source=x");
    assertOneLine("metadb record: ticks.sorce: unknown field, did you mean 'source'? (fields: source, detail_json)",
        "record", "ticks", "--field", "sorce=x");
    assertOneLine("metadb record: messages.sourc: unknown field, did you mean 'source'? "
        + "(fields: source, direction, chat_id, from_agent, to_agent, body, raw_json)",
        "record", "messages", "--json", "{\"sourc\":\"x\"}");
    assertOneLine("metadb record: ticks.zzz: unknown field (fields: source, detail_json)",
        "record", "ticks", "--field", "zzz=x");
  }

  private void assertOneLine(String expected, String... args) {
    String[] withHome = args[0].equals("record") ? append(args, "--home", home()) : args;
    CommandRun run = CommandRun.of(withHome);
    assertEquals(2, run.exit(), run.err());
    assertEquals(expected + "\n", run.err());
    assertFalse(run.err().contains("Source:") || run.err().contains("StreamReadFeature"), run.err());
  }

  private String home() {
    return tmp.resolve("home").toString();
  }

  private static String[] append(String[] args, String... more) {
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
