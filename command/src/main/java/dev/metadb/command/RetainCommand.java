package dev.metadb.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metadb.event.Table;
import dev.metadb.ingester.RetentionPolicies;
import dev.metadb.store.MetaDatabase;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code metadb retain}: sets, lists and removes retention policies ({@link RetentionPolicies}).
 * The running ingester applies them in its idle moments (within a minute of a change).
 */
@Command(
    name = "retain",
    mixinStandardHelpOptions = true,
    description = {
      "Keep rows of a table (by ts_utc), or finished files of logs/replayed, logs/quarantine or"
          + " inbox/done (by modification time), for AGE.",
      "Older ones are deleted by the running ingester in its idle moments. Rows are kept forever"
          + " unless a policy says otherwise; finished files 30 days."
    },
    footer = {
      "",
      "Examples:",
      "  metadb retain messages 90d          # rows of messages: 90 days",
      "  metadb retain --default 180d        # every table without a policy of its own: 180 days",
      "  metadb retain logs/quarantine 1y    # quarantined lines: a year",
      "  metadb retain ticks forever         # ticks: never deleted (overrides --default)",
      "  metadb retain --remove messages     # messages: back to the default",
      "  metadb retain --list",
      "",
      "AGE: a number with s, m, h, d, w or y (365 days), or 'forever'.",
      "Rows not yet exported to a registered lake are kept until they are."
    })
final class RetainCommand implements Callable<Integer> {
  private static final Pattern AGE = Pattern.compile("(\\d+)([smhdwy])");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin HomeOption home;

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME AGE", arity = "0..2", description = "an event table or a directory, then its AGE")
  java.util.List<String> args = new java.util.ArrayList<>();

  @Option(names = "--default", description = "the policy for every table without one of its own")
  boolean defaultPolicy;

  @Option(names = "--list", description = "show the policies")
  boolean list;

  @Option(names = "--remove", description = "remove NAME's policy (or with --default, the default)")
  boolean remove;

  @Option(names = "--json", description = "with --list: one JSON document")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String name;
    long seconds = 0;
    try {
      int expected = list ? 0 : (defaultPolicy ? 0 : 1) + (remove ? 0 : 1);
      if (args.size() != expected || (list && (remove || defaultPolicy))) {
        throw new IllegalArgumentException("usage: metadb retain NAME AGE | --default AGE | --remove NAME | --remove --default | --list");
      }
      name = list ? null : defaultPolicy ? RetentionPolicies.DEFAULT : args.get(0);
      if (name != null && !RetentionPolicies.isValidName(name)) {
        throw new IllegalArgumentException("no table or directory " + name + "; tables: " + Table.names()
            + "; directories: " + String.join(", ", RetentionPolicies.DIRECTORIES));
      }
      if (!list && !remove) {
        seconds = parseAge(args.get(args.size() - 1));
      }
    } catch (IllegalArgumentException e) {
      throw CommandException.input(e.getMessage());
    }
    try (MetaDatabase db = MetaDatabase.open(home.home().metaDb())) {
      if (list) {
        print(RetentionPolicies.load(db.connection()), out);
      } else if (remove) {
        boolean had = RetentionPolicies.remove(db, name);
        err.println("metadb retain: " + (had ? "removed the policy of " : "there was no policy for ") + label(name));
      } else {
        RetentionPolicies.set(db, name, seconds, Instant.now());
        err.println("metadb retain: " + label(name) + ": " + (seconds == RetentionPolicies.KEEP ? "kept forever" : "kept " + describe(seconds))
            + " (the running ingester applies it within a minute)");
      }
    }
    out.flush();
    return ExitCode.OK;
  }

  /** Seconds of an AGE; {@link RetentionPolicies#KEEP} for "forever". */
  static long parseAge(String text) {
    if (text.equalsIgnoreCase("forever")) {
      return RetentionPolicies.KEEP;
    }
    Matcher m = AGE.matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("AGE " + text + " is not a number with s, m, h, d, w or y (example: 90d), nor 'forever'");
    }
    long n = Long.parseLong(m.group(1));
    long unit = switch (m.group(2)) {
      case "s" -> 1;
      case "m" -> 60;
      case "h" -> 3600;
      case "d" -> 86_400;
      case "w" -> 7 * 86_400;
      default -> 365 * 86_400;
    };
    if (n <= 0 || n > Long.MAX_VALUE / unit / 1000) {
      throw new IllegalArgumentException("AGE " + text + " must be more than 0 and less than a few million years");
    }
    return n * unit;
  }

  private static String label(String name) {
    return RetentionPolicies.DEFAULT.equals(name) ? "the default (every table without its own)" : name;
  }

  private static String describe(long seconds) {
    Duration d = Duration.ofSeconds(seconds);
    return d.toSeconds() % 86_400 == 0 ? d.toDays() + " days" : d.toSeconds() + " seconds";
  }

  private void print(RetentionPolicies policies, PrintWriter out) throws Exception {
    Map<String, String> shown = new TreeMap<>();
    policies.rows().forEach((k, v) -> shown.put(k, v == RetentionPolicies.KEEP ? "forever" : describe(v)));
    for (String directory : RetentionPolicies.DIRECTORIES) {
      shown.putIfAbsent(directory, describe(RetentionPolicies.FILES_DEFAULT.toSeconds()) + " (default)");
    }
    shown.putIfAbsent(RetentionPolicies.DEFAULT, "forever (no default policy)");
    if (json) {
      ObjectNode root = JSON.createObjectNode();
      ObjectNode rows = root.putObject("policies");
      policies.rows().forEach(rows::put);
      root.put("files_default_seconds", RetentionPolicies.FILES_DEFAULT.toSeconds());
      out.println(JSON.writeValueAsString(root));
      return;
    }
    shown.forEach((k, v) -> out.printf("%-22s %s%n", RetentionPolicies.DEFAULT.equals(k) ? "* (default)" : k, v));
  }
}
