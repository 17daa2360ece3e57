package dev.metadb.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metadb.ingester.CheckResult;
import dev.metadb.ingester.Finding;
import dev.metadb.ingester.MetaDbCheck;
import dev.metadb.ingester.QueueCheck;
import dev.metadb.replay.LinesCheck;
import dev.metadb.writer.Home;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code metadb verify}: checks every file in the home and says what is wrong. It opens nothing
 * for writing (meta.db as {@code mode=ro}, queue cycle files and JSONL files with read-only
 * channels), so it is safe beside writers, the ingester and replay, and never repairs anything.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check that the files in the home are sound, without changing any of them.",
      "Every queue cycle file is read to its end and every entry decoded; every checkpoint must"
          + " point at an entry that exists; meta.db's integrity and schema version, the replay"
          + " ledger against its files, and the spool and inbox lines (how many replay or the"
          + " ingester would quarantine) are checked."
    },
    footer = {
      "",
      "Examples:",
      "  metadb verify",
      "  metadb verify --json | jq '.checks[] | select(.sound == false)'",
      "",
      "Exit: 0 sound, 1 something is wrong (each problem is listed with what to do)."
    })
final class VerifyCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin HomeOption home;

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "print one JSON document")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Home resolved = home.home();
    List<CheckResult> checks = run(resolved);
    boolean sound = checks.stream().allMatch(CheckResult::sound);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(JSON.writeValueAsString(toJson(resolved, checks, sound)));
    } else {
      print(resolved, checks, sound, out);
    }
    out.flush();
    return sound ? ExitCode.OK : ExitCode.FAILURE;
  }

  /** Every check, in the order the data flows: queue, meta.db, then what replay reads. */
  static List<CheckResult> run(Home home) {
    List<CheckResult> checks = new ArrayList<>();
    MetaDbCheck.Outcome db = MetaDbCheck.run(home);
    checks.add(QueueCheck.run(home, db));
    checks.add(db.result());
    checks.add(LinesCheck.ledger(home));
    checks.add(LinesCheck.spool(home));
    checks.add(LinesCheck.inbox(home));
    return checks;
  }

  private static ObjectNode toJson(Home home, List<CheckResult> checks, boolean sound) {
    ObjectNode root = JSON.createObjectNode();
    root.put("home", home.dir().toString());
    root.put("sound", sound);
    root.put("problems", checks.stream().flatMap(c -> c.findings().stream())
        .filter(f -> f.severity() == Finding.Severity.PROBLEM).count());
    ArrayNode array = root.putArray("checks");
    for (CheckResult check : checks) {
      ObjectNode node = array.addObject();
      node.put("check", check.check());
      node.put("sound", check.sound());
      ObjectNode counts = node.putObject("counts");
      check.counts().forEach(counts::put);
      ArrayNode findings = node.putArray("findings");
      for (Finding f : check.findings()) {
        findings.addObject()
            .put("severity", f.severity().name().toLowerCase(Locale.ROOT))
            .put("subject", f.subject())
            .put("message", f.message());
      }
    }
    return root;
  }

  private static void print(Home home, List<CheckResult> checks, boolean sound, PrintWriter out) {
    out.printf("home      %s%n", home.dir());
    long problems = 0;
    for (CheckResult check : checks) {
      StringBuilder counts = new StringBuilder();
      check.counts().forEach((k, v) -> counts.append(counts.length() == 0 ? "" : ", ").append(k.replace('_', ' ')).append(' ').append(v));
      out.printf("%-9s %s%s%n", check.check(), check.sound() ? "ok" : "PROBLEMS", counts.length() == 0 ? "" : " (" + counts + ")");
      for (Finding f : check.findings()) {
        boolean problem = f.severity() == Finding.Severity.PROBLEM;
        problems += problem ? 1 : 0;
        out.printf("  %s %s: %s%n", problem ? "PROBLEM" : "note   ", f.subject(), f.message());
      }
    }
    out.println(sound ? "sound: nothing is wrong" : "NOT SOUND: " + problems + (problems == 1 ? " problem" : " problems") + " (see above)");
  }
}
