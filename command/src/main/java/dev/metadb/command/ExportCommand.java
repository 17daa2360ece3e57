package dev.metadb.command;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import dev.metadb.query.Exporter;
import dev.metadb.query.QueryException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code metadb export}: one Arrow IPC file per table into DIR, read-only on meta.db. Prints one
 * line per file (or one JSON document with {@code --json}). Exit 0 ok, 2 bad options (unknown
 * table, bad timestamp, DIR is a file), 3 meta.db newer than this metadb, 1 failure.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write each table as an Arrow IPC file, DIR/<table>.arrow, that pyarrow, polars and other",
      "Arrow readers open as they are. All files are cut from one consistent read of meta.db,",
      "which is opened read-only."
    },
    footer = {
      "",
      "Examples:",
      "  metadb export ./out",
      "  metadb export ./out --tables messages,clone_dispatches --since 2026-11-01T00:00:00Z",
      "  python3 -c \"import pyarrow as pa; print(pa.ipc.open_file('out/messages.arrow').read_all())\"",
      "",
      "Exit: 0 ok, 2 bad options, 3 meta.db newer than this metadb, 1 failure."
    })
final class ExportCommand implements Callable<Integer> {
  @Mixin HomeOption home;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "directory to write into (created if missing)")
  Path dir;

  @Option(names = "--tables", paramLabel = "TABLE", split = ",", description = "tables to export (default: all)")
  List<String> tables;

  @Option(names = "--since", paramLabel = "TS", description = "only rows with ts_utc at or after TS (ISO-8601)")
  String since;

  @Option(names = "--json", description = "print one JSON document describing the files")
  boolean json;

  @Override
  public Integer call() throws QueryException, IOException {
    PrintWriter out = spec.commandLine().getOut();
    List<Table> selected = new ArrayList<>();
    if (tables == null) {
      selected.addAll(List.of(Table.values()));
    } else {
      Set<String> names = new LinkedHashSet<>(tables);
      for (String name : names) {
        Table table = Table.byName(name.trim()).orElse(null);
        if (table == null) {
          throw CommandException.input("unknown table " + name + "; the tables are: " + Table.names());
        }
        selected.add(table);
      }
    }
    Instant from = QueryCommand.instant("--since", since);
    List<Exporter.TableFile> files = Exporter.export(home.home(), dir, selected, from, line -> {});
      if (json) {
        printJson(out, files, from);
      } else {
        for (Exporter.TableFile file : files) {
          out.printf("%-22s %10d rows  %s%n", file.table(), file.rows(), file.file());
        }
      }
      out.flush();
      return ExitCode.OK;
  }

  private void printJson(PrintWriter out, List<Exporter.TableFile> files, Instant from) throws IOException {
    try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeStringField("dir", dir.toAbsolutePath().normalize().toString());
      if (from != null) {
        g.writeStringField("since", Timestamps.format(from));
      }
      g.writeArrayFieldStart("tables");
      for (Exporter.TableFile file : files) {
        g.writeStartObject();
        g.writeStringField("table", file.table());
        g.writeStringField("file", file.file().toString());
        g.writeNumberField("rows", file.rows());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    out.println();
  }
}
