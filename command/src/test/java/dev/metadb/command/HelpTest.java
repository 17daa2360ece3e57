package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.metadb.writer.ChildJvm;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Help as a person at a terminal reads and copies it: laid out for the terminal's width, every
 * example line of every {@code --help} whole (so it pastes as one command), the top-level list
 * giving each command's whole summary, and the examples that need nothing outside a fresh home
 * actually run, in bash, with exit 0.
 */
class HelpTest {
  /** Examples that run until stopped, or name files outside the home and the working directory. */
  private static final Pattern NOT_SELF_CONTAINED = Pattern.compile(
      "/mnt/|/var/| -f\\b|--follow|metadb demo|^metadb ingest(?!.*--once)");

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(ints = {80, 200})
  void everyExampleLineIsWholeAndProseFitsTheWidth(int columns) {
    CommandLine root = commandLine(columns, new StringWriter());
    List<String> commands = new ArrayList<>(List.of(""));
    commands.addAll(subcommands(root));
    for (String command : commands) {
      String help = help(columns, command);
      List<String> lines = help.lines().toList();
      CommandLine cl = command.isEmpty() ? root : root.getSubcommands().get(command);
      List<String> examples = exampleLines(cl);
      assertTrue(command.equals("help") || !examples.isEmpty(), command + " --help has no examples:\n" + help);
      for (String example : examples) {
        assertTrue(lines.contains(example), "metadb " + command + " --help at " + columns
            + " columns breaks the example\n" + example + "\n" + help);
      }
      assertTrue(cl.getCommandSpec().findOption("--home") == null || help.contains("~/.metadb"),
          "metadb " + command + " --help at " + columns + " columns breaks the default home's path:\n" + help);
      for (String line : lines) {
        assertTrue(line.length() <= columns || examples.contains(line),
            "metadb " + command + " --help at " + columns + " columns: a line of prose is wider:\n" + line);
      }
    }
    if (columns > 80) {
      assertTrue(help(columns, "").lines().anyMatch(l -> l.length() > 80),
          "the top-level help does not use a " + columns + "-column terminal:\n" + help(columns, ""));
    }
  }

  /** The command list shows each header's or description's first line: it must be a whole sentence. */
  @ParameterizedTest
  @ValueSource(ints = {80, 200})
  void topLevelListGivesEachCommandsWholeSummary(int columns) {
    String listed = normalised(help(columns, ""));
    CommandLine root = commandLine(columns, new StringWriter());
    for (String command : subcommands(root)) {
      var usage = root.getSubcommands().get(command).getCommandSpec().usageMessage();
      String summary = usage.header().length > 0 ? usage.header()[0] : usage.description()[0];
      assertTrue(summary.endsWith("."), "metadb " + command + ": the summary the list shows is cut: " + summary);
      assertTrue(listed.contains(command + " " + normalised(summary)),
          "metadb --help at " + columns + " columns does not list " + command + " as: " + summary + "\n" + listed);
    }
  }

  @Test
  void columnsFromTheEnvironmentSetTheWidth() throws Exception {
    for (int columns : new int[] {80, 200}) {
      ProcessBuilder pb = ChildJvm.builder(Main.class, Map.of("COLUMNS", String.valueOf(columns)), "query", "--help");
      pb.redirectErrorStream(true);
      Process p = pb.start();
      String shown = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.waitFor(), shown);
      assertEquals(help(columns, "query"), shown);
    }
  }

  /** Every self-contained example, in the order the helps give them, as bash runs it: exit 0. */
  @Test
  void selfContainedExamplesRun() throws Exception {
    Path home = tmp.resolve("home");
    Path work = Files.createDirectories(tmp.resolve("work"));
    CommandLine root = commandLine(200, new StringWriter());
    List<String> examples = new ArrayList<>();
    for (String command : subcommands(root)) {
      for (String line : exampleLines(root.getSubcommands().get(command))) {
        String example = line.strip();
        if (!NOT_SELF_CONTAINED.matcher(example).find()) {
          examples.add(example);
        }
      }
    }
    // What was recorded is ingested before the rest read it.
    examples.sort(Comparator.comparing(e -> !e.contains("metadb record") && !e.contains("metadb ingest")));
    assertTrue(examples.size() >= 20, "too few self-contained examples: " + examples);
    String metadb = ChildJvm.builder(Main.class, Map.of()).command().stream()
        .map(HelpTest::shellQuoted).collect(Collectors.joining(" "));
    for (String example : examples) {
      String script = String.join("\n",
          "set -o pipefail",
          "metadb() { " + metadb + " \"$@\"; }",
          "export METADB_HOME=" + shellQuoted(home.toString()),
          example,
          "");
      ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(work.toFile()).redirectErrorStream(true);
      pb.environment().remove("METADB_INVOKED_AS");
      Process p = pb.start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), example);
      assertEquals(0, p.exitValue(), "the example failed: " + example + "\n" + output);
    }
  }

  /** The footer's example lines as written: the indented ones. */
  private static List<String> exampleLines(CommandLine cl) {
    List<String> examples = new ArrayList<>();
    for (String line : cl.getCommandSpec().usageMessage().footer()) {
      String text = String.format(line);
      if (text.startsWith("  ")) {
        examples.add(text);
      }
    }
    return examples;
  }

  private static List<String> subcommands(CommandLine root) {
    return new ArrayList<>(root.getSubcommands().keySet());
  }

  private static CommandLine commandLine(int columns, StringWriter out) {
    return CommandLineFactory.create(new Main(), new PrintWriter(out), new PrintWriter(new StringWriter()), OptionalInt.of(columns));
  }

  private static String help(int columns, String command) {
    StringWriter out = new StringWriter();
    CommandLine cl = commandLine(columns, out);
    int exit = command.isEmpty() ? CommandLineFactory.execute(cl, "--help")
        : CommandLineFactory.execute(cl, command, "--help");
    assertEquals(0, exit);
    return out.toString();
  }

  private static String normalised(String text) {
    return text.replaceAll("\\s+", " ");
  }

  private static String shellQuoted(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
