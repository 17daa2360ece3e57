package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link RecordMain#quickParse}: every form it takes means exactly what picocli makes of it, and
 * every other form is left to picocli (help, errors and their suggestions stay picocli's).
 */
class RecordMainTest {
  private static List<Object> fields(RecordCommand c) {
    return List.of(String.valueOf(c.home.home), c.table, String.valueOf(c.json), String.valueOf(c.fields), String.valueOf(c.stdin),
        c.jsonOutput);
  }

  private static RecordCommand picocli(String... args) {
    RecordCommand c = new RecordCommand();
    new CommandLine(c).parseArgs(args);
    return c;
  }

  @Test
  void theQuickFormsMeanWhatPicocliMakesOfThem() {
    for (String[] args : List.of(
        new String[] {"ticks", "--field", "source=x"},
        new String[] {"ticks", "--home", "/h", "--field", "source=a=b", "--field", "detail_json={}"},
        new String[] {"--home=/h", "messages", "--json", "{\"source\":\"-\"}"},
        new String[] {"ticks", "--json={\"a\":1}", "--json-output"},
        new String[] {"ticks", "-", "--home", "/h"},
        new String[] {"ticks", "--field=source=y", "--field", "source=z"})) {
      RecordCommand quick = RecordMain.quickParse(args);
      assertNotNull(quick, String.join(" ", args));
      assertEquals(fields(picocli(args)), fields(quick), String.join(" ", args));
    }
  }

  @Test
  void everythingElseIsLeftToPicocli() {
    for (String[] args : List.of(
        new String[] {"--help"}, new String[] {"ticks", "-h"}, new String[] {"-V"}, new String[] {},
        new String[] {"ticks", "--nope"}, new String[] {"ticks", "--json"}, new String[] {"ticks", "--home"},
        new String[] {"ticks", "--json", "{}", "--json", "{}"}, new String[] {"ticks", "--field", "novalue"},
        new String[] {"ticks", "extra"}, new String[] {"ticks", "-", "-"}, new String[] {"@args.txt"},
        new String[] {"ticks", "--", "--json"}, new String[] {"-", "ticks"}, new String[] {"ticks", "--json-output=true"})) {
      assertNull(RecordMain.quickParse(args), String.join(" ", args));
    }
  }
}
