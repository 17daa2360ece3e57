package dev.metadb.command;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.metadb.event.Table;
import dev.metadb.event.Timestamps;
import dev.metadb.query.Exporter;
import dev.metadb.query.LakeExporter;
import dev.metadb.query.QueryException;
import dev.metadb.writer.Origin;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code metadb export}: one Arrow IPC file per table into DIR, read-only on meta.db; or, with
 * {@code --format parquet}, the rows not yet exported into a Parquet lake ({@link LakeExporter}),
 * once or on an interval until SIGTERM/SIGINT ({@code --follow}). Prints one line per table (or
 * one JSON document with {@code --json}). Exit 0 ok, 2 bad options (unknown table, bad timestamp,
 * DIR is a file), 3 meta.db newer than this metadb, 1 failure.
 *
 * <p>FOLLOW. A signal sets a flag that the exporter checks between chunks, and wakes the wait
 * between runs: the chunk in hand is finished (renamed and its watermark committed), then the
 * command returns 0. A failure of one run (meta.db busy, the lake's volume away) is reported and
 * the next run tries again; bad input and a newer schema end it.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Write each table as an Arrow IPC file, DIR/<table>.arrow, or as Parquet into a lake.",
      "Arrow files open as they are in pyarrow, polars and other Arrow readers. All files are cut"
          + " from one consistent read of meta.db, which is opened read-only.",
      "With --format parquet, DIR is a lake shared by many hosts: each table's rows not yet"
          + " exported go to DIR/table=<t>/date=<YYYY-MM-DD>/host=<host>/<host>-<first id>-<last id>.parquet,"
          + " exactly once (see docs/fleet.md); metadb query --lake DIR reads them all."
    },
    footer = {
      "",
      "Examples:",
      "  metadb export ./out",
      "  metadb export ./out --tables messages,clone_dispatches --since 2026-11-01T00:00:00Z",
      "  python3 -c \"import pyarrow as pa; print(pa.ipc.open_file('out/messages.arrow').read_all())\"",
      "  metadb export --format parquet /mnt/lake",
      "  metadb export --format parquet --follow --interval 30s /mnt/lake",
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

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "arrow",
      description = "arrow (default: one Arrow IPC file per table) or parquet (a Hive-partitioned lake)")
  String format;

  @Option(names = "--follow", description = "parquet: keep exporting every --interval until SIGTERM/Ctrl-C")
  boolean follow;

  @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "10s",
      description = "parquet --follow: time between runs, e.g. 500ms, 10s, 5m (default: ${DEFAULT-VALUE})")
  String interval;

  @Option(names = "--host", paramLabel = "NAME",
      description = "parquet: this home's name in the lake (default: the machine's host name)")
  String host;

  @Option(names = "--chunk-rows", paramLabel = "N",
      description = "parquet: rows per export chunk (default: ${DEFAULT-VALUE})")
  int chunkRows = LakeExporter.DEFAULT_CHUNK_ROWS;

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
          throw CommandException.input(Table.unknownTableMessage(name));
        }
        selected.add(table);
      }
    }
    if (format.equals("parquet")) {
      return exportLake(selected, out, spec.commandLine().getErr());
    }
    if (!format.equals("arrow")) {
      throw CommandException.input("--format " + format + " is not one of arrow, parquet");
    }
    if (follow || host != null) {
      throw CommandException.input((follow ? "--follow" : "--host") + " needs --format parquet");
    }
    Instant from = QueryCommand.instant("--since", since);
    List<Exporter.TableFile> files = Exporter.export(home.homeToRead(), dir, selected, from, line -> {});
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

  private int exportLake(List<Table> selected, PrintWriter out, PrintWriter err) throws QueryException {
    if (since != null) {
      throw CommandException.input("--since does not apply to --format parquet (it exports every row not yet in the lake)");
    }
    Duration pause = duration(interval);
    Consumer<String> log = line -> {
      err.println("metadb export: " + line);
      err.flush();
    };
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch stopped = new CountDownLatch(1);
    if (follow) {
      for (String name : List.of("TERM", "INT")) {
        Signal.handle(new Signal(name), signal -> {
          stop.set(true);
          stopped.countDown();
        });
      }
    }
    try (LakeExporter exporter = LakeExporter.open(home.home(), dir, host == null ? Origin.self().host() : host, chunkRows, log)) {
      if (follow) {
        log.accept("exporting into " + exporter.lake() + " as host " + exporter.host() + " every " + interval
            + " (pid " + ProcessHandle.current().pid() + "); SIGTERM or Ctrl-C stops after the current chunk");
      }
      do {
        try {
          printLake(out, exporter, exporter.export(selected, stop::get));
        } catch (QueryException e) {
          if (!follow || e.kind() != QueryException.Kind.FAILURE) {
            throw e;
          }
          log.accept(e.getMessage() + " (trying again in " + interval + ")");
        }
      } while (follow && !stopped.await(pause.toMillis(), TimeUnit.MILLISECONDS));
      if (follow) {
        log.accept("stopped");
      }
      return ExitCode.OK;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CommandException.failure("interrupted", e);
    }
  }

  private void printLake(PrintWriter out, LakeExporter exporter, List<LakeExporter.TableExport> done) {
    if (json) {
      try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.writeStartObject();
        g.writeStringField("lake", exporter.lake().toString());
        g.writeStringField("host", exporter.host());
        g.writeArrayFieldStart("tables");
        for (LakeExporter.TableExport table : done) {
          g.writeStartObject();
          g.writeStringField("table", table.table());
          g.writeNumberField("rows", table.rows());
          g.writeNumberField("files", table.files());
          g.writeNumberField("watermark", table.watermark());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.println();
    } else {
      for (LakeExporter.TableExport table : done) {
        if (!follow || table.rows() > 0) {
          out.printf("%-22s %10d rows %5d files  up to id %d%n", table.table(), table.rows(), table.files(), table.watermark());
        }
      }
    }
    out.flush();
  }

  /** {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h} as a positive duration. */
  static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException("--interval " + text + " is not a positive duration (examples: 500ms, 10s, 5m, 1h)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

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
