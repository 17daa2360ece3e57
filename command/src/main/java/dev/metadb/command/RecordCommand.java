package dev.metadb.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.metadb.event.Event;
import dev.metadb.event.EventValidator;
import dev.metadb.event.InvalidEventException;
import dev.metadb.event.JsonText;
import dev.metadb.event.Table;
import dev.metadb.writer.Inbox;
import dev.metadb.writer.InboxRecorder;
import dev.metadb.writer.RecordResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code metadb record}: validate events at the edge and append each to the inbox as source
 * {@code cli} ({@link InboxRecorder}: one write() to {@code inbox/cli-YYYY-MM-DD.jsonl}, the spool
 * when the inbox cannot take it). No Chronicle class loads on this path: a cold record costs a
 * JVM start and an append. Exit 0 when every event is in the inbox or the spool, 2 when any input
 * is invalid (valid events in the same run are still recorded), 1 when an event could be stored
 * in neither.
 */
@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    description = "Record one event (or many from stdin): one line appended to the inbox; never waits on the database.",
    footer = {
      "",
      "Tables: messages, cli_invocations, crashes, ticks, workspaces, sessions, clone_dispatches,"
          + " harvest_events, communication_events, mcp_tool_calls, git_operations, owner_directives,"
          + " token_usage, watchdog_events, source_errors, iroh_events",
      "",
      "Examples:",
      "  metadb record ticks --field source=watchdog",
      "  metadb record messages --json '{\"source\":\"bus\",\"direction\":\"inbound\",\"body\":\"hi\"}'",
      "  metadb record cli_invocations --field bin=git --field exit_code=0 --field duration_ms=412",
      "  printf '%%s\\n' '{\"source\":\"a\"}' '{\"source\":\"b\"}' | metadb record ticks -",
      "",
      "Prints each event's id on stdout. Exit 0 in the inbox (or the spool), 2 invalid input, 1 not stored."
    })
final class RecordCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TABLE", description = "the table to record into")
  String table;

  @Option(names = "--json", paramLabel = "OBJECT", description = "the event's columns as one JSON object")
  String json;

  @Option(names = "--field", paramLabel = "NAME=VALUE", description = "one column (repeatable); the value is read as the column's type")
  Map<String, String> fields;

  @Parameters(index = "1", arity = "0..1", paramLabel = "-", description = "read one JSON object per line from stdin")
  String stdin;

  @Option(names = "--json-output", description = "print one JSON document with each event's id and status")
  boolean jsonOutput;

  @Override
  public Integer call() throws IOException, InvalidEventException {
    return execute(spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** The command on its parsed options; {@link RecordMain}'s quick path calls it without picocli. */
  int execute(PrintWriter out, PrintWriter err) throws IOException, InvalidEventException {
    Table t = EventValidator.table(table);
    if (stdin != null && !stdin.equals("-")) {
      throw CommandException.input("unexpected argument '" + stdin + "' (use - to read stdin)");
    }
    int inputs = (json != null ? 1 : 0) + (fields != null ? 1 : 0) + (stdin != null ? 1 : 0);
    if (inputs != 1) {
      throw CommandException.input("give exactly one of --json OBJECT, --field NAME=VALUE..., or - (stdin)");
    }
    Tally tally = new Tally();
    InboxRecorder recorder = new InboxRecorder(home.home(), Inbox.CLI_SOURCE);
    try {
      if (json != null) {
        record(recorder, EventValidator.fromJson(t, readJson(t, json, false)), "", tally, out, err);
      } else if (fields != null) {
        Event event;
        try {
          event = EventValidator.fromText(t, new LinkedHashMap<>(fields));
        } catch (InvalidEventException e) {
          event = null;
          reject(e.getMessage(), "", tally, err);
        }
        if (event != null) {
          record(recorder, event, "", tally, out, err);
        }
      } else {
        BufferedReader reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        int number = 0;
        while ((line = reader.readLine()) != null) {
          number++;
          if (line.isBlank()) {
            continue;
          }
          String where = "stdin line " + number + ": ";
          try {
            record(recorder, EventValidator.fromJson(t, readJson(t, line, true)), where, tally, out, err);
          } catch (InvalidEventException e) {
            reject(e.getMessage(), where, tally, err);
          }
        }
      }
    } catch (InvalidEventException e) {
      reject(e.getMessage(), "", tally, err);
    }
    if (jsonOutput) {
      out.println(tally.toJson());
    }
    out.flush();
    if (tally.failed > 0) {
      return ExitCode.FAILURE;
    }
    return tally.rejected > 0 ? ExitCode.USAGE : ExitCode.OK;
  }

  /**
   * The JSON of {@code --json} (refused as {@code ticks --json: line 1, column 17: unexpected '}'}) or of
   * one stdin line (as {@code ticks: not valid JSON: column 17: ...}, after the line's number, like
   * the line's other problems).
   */
  private static JsonNode readJson(Table t, String json, boolean stdinLine) throws InvalidEventException {
    try {
      return JsonText.parse(json);
    } catch (JsonProcessingException e) {
      throw stdinLine ? new InvalidEventException(t.sqlName(), null, "not valid JSON: " + JsonText.describeInLine(e))
          : new InvalidEventException(null, t.sqlName() + " --json", JsonText.describe(e));
    } catch (IOException e) {
      throw new InvalidEventException(t.sqlName(), null, "cannot read the JSON: " + Failures.message(e));
    }
  }

  private void record(InboxRecorder recorder, Event event, String where, Tally tally, PrintWriter out, PrintWriter err) {
    RecordResult result = recorder.record(event);
    tally.ids.add(result.eventId());
    switch (result.status()) {
      case INBOX -> tally.inbox++;
      case SPOOLED -> {
        tally.spooled++;
        err.println("metadb record: " + where + "inbox unavailable, event " + result.eventId() + " spooled for replay (" + result.reason() + ")");
      }
      case FAILED -> {
        tally.failed++;
        err.println("metadb record: " + where + "event " + result.eventId() + " NOT recorded: " + result.reason());
      }
    }
    if (!jsonOutput && result.recorded()) {
      out.println(result.eventId());
    }
  }

  private static void reject(String message, String where, Tally tally, PrintWriter err) {
    tally.rejected++;
    err.println("metadb record: " + where + message);
  }

  private static final class Tally {
    int inbox;
    int spooled;
    int failed;
    int rejected;
    final List<String> ids = new java.util.ArrayList<>();

    /** The --json-output document. Ids are UUID text, so they need no escaping. */
    String toJson() {
      return "{\"inbox\":" + inbox + ",\"spooled\":" + spooled + ",\"failed\":" + failed + ",\"rejected\":" + rejected
          + ",\"event_ids\":[" + ids.stream().map(id -> "\"" + id + "\"").collect(java.util.stream.Collectors.joining(",")) + "]}";
    }
  }
}
