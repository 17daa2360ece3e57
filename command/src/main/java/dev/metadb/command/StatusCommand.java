package dev.metadb.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metadb.event.Timestamps;
import dev.metadb.ingester.IngestStatus;
import dev.metadb.store.MetaDatabaseException;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code metadb status}: schema version, rows per table, ingest lag, checkpoints, the running
 * ingester and the spool, read without disturbing a running ingester ({@link IngestStatus}).
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show meta.db's schema and rows, what is queued or in the inbox and trails but not yet ingested, the ingester and the spool.",
    footer = {
      "",
      "Examples:",
      "  metadb status",
      "  metadb status --json | jq .lag_entries",
      "  metadb status --home /var/lib/metadb",
      "",
      "Exit 0 ok, 1 runtime failure (meta.db not a database), 3 meta.db schema newer than this metadb."
    })
final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @Mixin HomeOption home;

  @Spec CommandSpec spec;

  @Option(names = "--json", description = "print one JSON document")
  boolean json;

  @Override
  public Integer call() throws IOException, SQLException, MetaDatabaseException {
    PrintWriter out = spec.commandLine().getOut();
    IngestStatus status = IngestStatus.read(home.homeToRead());
    Instant now = Instant.now();
    if (json) {
      out.println(MAPPER.writeValueAsString(toJson(status, now)));
    } else {
      printText(status, now, out);
    }
    out.flush();
    return ExitCode.OK;
  }

  private static ObjectNode toJson(IngestStatus s, Instant now) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("home", s.home().toString());
    if (s.schemaVersion().isPresent()) {
      root.put("schema_version", s.schemaVersion().getAsLong());
    } else {
      root.putNull("schema_version");
    }
    if (s.ingesterPid().isPresent()) {
      root.put("ingester_running", true);
      root.put("ingester_pid", s.ingesterPid().getAsLong());
    } else {
      root.put("ingester_running", false);
      root.putNull("ingester_pid");
    }
    root.put("lag_entries", s.lagEntries());
    root.put("lag_seconds", s.lag(now).toMillis() / 1000.0);
    root.put("last_checkpoint_at", s.lastCheckpointAt());
    ObjectNode rows = root.putObject("rows");
    s.rows().forEach(rows::put);
    ArrayNode slots = root.putArray("slots");
    for (IngestStatus.SlotStatus slot : s.slots()) {
      ObjectNode node = slots.addObject();
      node.put("slot", slot.slot());
      if (slot.checkpointIndex().isPresent()) {
        node.put("checkpoint_index", slot.checkpointIndex().getAsLong());
      } else {
        node.putNull("checkpoint_index");
      }
      node.put("checkpoint_at", slot.checkpointAt());
      node.put("lag_entries", slot.lagEntries());
      node.put("retired", slot.retired());
      node.put("oldest_pending", slot.oldestPending() == null ? null : Timestamps.format(slot.oldestPending()));
    }
    // Spool file name to lines replay has still to apply; "spool" has the applied ones too.
    ObjectNode spoolFiles = root.putObject("spool_files");
    s.spool().forEach(file -> spoolFiles.put(file.file().getFileName().toString(), file.pendingLines()));
    putFiles(root.putArray("spool"), s.spool(), now);
    putFiles(root.putArray("files"), s.files(), now);
    return root;
  }

  private static void putFiles(ArrayNode array, List<IngestStatus.FileStatus> files, Instant now) {
    for (IngestStatus.FileStatus file : files) {
      ObjectNode node = array.addObject();
      node.put("file", file.file().toString());
      node.put("kind", file.kind());
      node.put("size", file.size());
      node.put("pending_bytes", file.pendingBytes());
      node.put("pending_lines", file.pendingLines());
      node.put("lines_applied", file.linesApplied());
      node.put("lines_quarantined", file.linesQuarantined());
      node.put("lag_seconds", file.lag(now).toMillis() / 1000.0);
    }
  }

  private static void printText(IngestStatus s, Instant now, PrintWriter out) {
    out.printf("home          %s%n", s.home());
    out.printf("meta.db       %s%n", s.schemaVersion().isPresent() ? "schema v" + s.schemaVersion().getAsLong() : "not created yet");
    out.printf("ingester      %s%n", s.ingesterPid().isEmpty() ? "not running"
        : s.ingesterPid().getAsLong() > 0 ? "running (pid " + s.ingesterPid().getAsLong() + ")" : "running (pid unknown)");
    Duration lag = s.lag(now);
    out.printf("lag           %d entries, %.1f s%n", s.lagEntries(), lag.toMillis() / 1000.0);
    out.printf("checkpoint    %s%n", s.lastCheckpointAt() == null ? "none yet" : s.lastCheckpointAt());
    if (!s.rows().isEmpty()) {
      out.printf("rows          %d in total%n", s.rows().values().stream().mapToLong(Long::longValue).sum());
      for (Map.Entry<String, Long> row : s.rows().entrySet()) {
        out.printf("  %-22s %d%n", row.getKey(), row.getValue());
      }
    }
    out.printf("slots         %d%n", s.slots().size());
    for (IngestStatus.SlotStatus slot : s.slots()) {
      out.printf("  %-8s lag %d, checkpoint %s%n", slot.slot(), slot.lagEntries(),
          slot.checkpointIndex().isPresent() ? "0x" + Long.toHexString(slot.checkpointIndex().getAsLong()) + " at " + slot.checkpointAt() : "none");
      if (slot.retired() != null) {
        out.printf("           RETIRED, damaged: %s%n           (writers use other slots; the directory is kept as"
            + " evidence: removing it makes a later %s look replaced to the ingester)%n", slot.retired(), slot.slot());
      }
    }
    out.printf("spool files   %d, %d lines still to replay%n", s.spool().size(), s.spoolPendingLines());
    for (IngestStatus.FileStatus file : s.spool()) {
      out.printf("  %s  %d lines still to replay; %d already applied, %d quarantined%n",
          file.file().getFileName(), file.pendingLines(), file.linesApplied(), file.linesQuarantined());
    }
    out.printf("inbox/trails  %d files%n", s.files().size());
    for (IngestStatus.FileStatus file : s.files()) {
      String name = file.kind().equals("inbox") ? "inbox/" + file.file().getFileName() : file.file().toString();
      out.printf("  %s  %d lines (%d bytes) not yet applied, lag %.1f s; %d applied, %d quarantined%n", name,
          file.pendingLines(), file.pendingBytes(), file.lag(now).toMillis() / 1000.0, file.linesApplied(), file.linesQuarantined());
    }
  }
}
