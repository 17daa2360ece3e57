package dev.metadb.command;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine;

/**
 * How {@code --help} is laid out, for every command of a command line.
 *
 * <p>WIDTH: the terminal's. {@code $COLUMNS} when it is set (shells set it, scripts and tests can
 * too), else what picocli detects on the terminal, else 80; never below picocli's minimum of 55.
 * It is worked out only when help is shown, so a {@code metadb record} that shows none never asks.
 *
 * <p>FOOTER (examples, tables, exit codes): an indented line is printed exactly as written, never
 * wrapped, so an example pastes as one command however narrow the terminal (the terminal may
 * fold it on screen; copying gives it back whole). An unindented line is prose and is wrapped at
 * the width. Footer lines are format strings as in picocli ({@code %%} for a percent sign).
 */
final class HelpLayout {
  private static final int MINIMUM_WIDTH = 55;

  private HelpLayout() {}

  /** Lays out the help of {@code cl} and all its subcommands; {@code columns} empty: the terminal's. */
  static void apply(CommandLine cl, OptionalInt columns) {
    cl.setHelpFactory((spec, colors) -> {
      UsageMessageSpec usage = spec.usageMessage();
      OptionalInt width = columns.isPresent() ? columns : environmentColumns();
      if (width.isPresent()) {
        usage.autoWidth(false).width(Math.max(MINIMUM_WIDTH, width.getAsInt()));
      } else {
        usage.autoWidth(true);
      }
      return new Help(spec, colors);
    });
    applyFooter(cl);
  }

  private static void applyFooter(CommandLine cl) {
    cl.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_FOOTER, HelpLayout::footer);
    cl.getSubcommands().values().forEach(HelpLayout::applyFooter);
  }

  private static OptionalInt environmentColumns() {
    String columns = System.getenv("COLUMNS");
    if (columns != null && columns.trim().matches("\\d{1,4}")) {
      return OptionalInt.of(Integer.parseInt(columns.trim()));
    }
    return OptionalInt.empty();
  }

  private static String footer(Help help) {
    int width = help.commandSpec().usageMessage().width();
    StringBuilder text = new StringBuilder();
    for (String line : help.commandSpec().usageMessage().footer()) {
      String formatted = String.format(line);
      if (formatted.isBlank() || Character.isWhitespace(formatted.charAt(0))) {
        text.append(formatted).append(System.lineSeparator());
      } else {
        wrap(formatted, width).forEach(l -> text.append(l).append(System.lineSeparator()));
      }
    }
    return text.toString();
  }

  /** {@code prose} broken at spaces into lines of at most {@code width} (a longer word stays whole). */
  static List<String> wrap(String prose, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : prose.split(" +")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      line.append(line.length() > 0 ? " " : "").append(word);
    }
    lines.add(line.toString());
    return lines;
  }
}
