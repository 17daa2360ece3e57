package dev.metadb.command;

import dev.metadb.ingester.IngestOptions;
import dev.metadb.ingester.IngestStatus;
import dev.metadb.ingester.Ingester;
import dev.metadb.query.QueryEngine;
import dev.metadb.query.ResultFormat;
import dev.metadb.query.TimeWindow;
import dev.metadb.writer.FileTrees;
import dev.metadb.writer.Home;
import dev.metadb.writer.JavaCommand;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code metadb demo}: the whole pipeline in one command, for someone who has never seen it.
 *
 * <p>An ingester runs in this process; {@code --writers} writer processes ({@link DemoWriter},
 * real separate JVMs, each with its own writer slot) record a realistic mix across all 16 tables
 * for {@code --seconds}. Progress (recorded, ingested, lag) goes to stderr; when the writers are
 * done and the ingester has drained, a few queries run through the query stage and their results
 * go to stdout. Exit 0 when every event the writers recorded is in meta.db; 1 otherwise. Writer
 * processes are destroyed on the way out, whatever happens.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run writers, an ingester and queries and show the results.",
      "Without --home it works in a new temporary directory, removed at the end unless --keep is"
          + " given; $METADB_HOME is not used."
    },
    footer = {
      "",
      "Examples:",
      "  metadb demo                         # 3 writer processes for 5 s in a new temporary home",
      "  metadb demo --keep                  # the same, and keep the home to query afterwards",
      "  metadb demo --writers 8 --seconds 20 --rate 500",
      "  metadb demo --home /tmp/try-metadb  # use (and keep) this home"
    })
final class DemoCommand implements Callable<Integer> {
  @Mixin HomeOption homeOption;

  @Spec CommandSpec spec;

  @Option(names = "--writers", paramLabel = "N", description = "writer processes (default: ${DEFAULT-VALUE})")
  int writers = 3;

  @Option(names = "--seconds", paramLabel = "S", description = "how long the writers record (default: ${DEFAULT-VALUE})")
  int seconds = 5;

  @Option(names = "--keep", description = "keep the temporary home at the end (always kept with --home)")
  boolean keep;

  @Option(names = "--rate", paramLabel = "R", description = "events per second per writer (default: ${DEFAULT-VALUE})")
  int rate = 300;

  private static final String[][] QUERIES = {
    {"Messages per source", "SELECT source, count(*) AS messages FROM messages GROUP BY source ORDER BY messages DESC, source"},
    {"Slowest CLI invocations", "SELECT bin, duration_ms, exit_code, host, ts_utc FROM cli_invocations ORDER BY duration_ms DESC LIMIT 5"},
    {"Token cost per model", "SELECT model, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,"
        + " round(sum(cost_usd_micros) / 1e6, 2) AS cost_usd FROM token_usage GROUP BY model ORDER BY cost_usd DESC"},
    {"Average clone dispatch time", "SELECT status, count(*) AS dispatches,"
        + " round(avg(CAST(json_extract(detail_json, '$.dispatch_ms') AS DOUBLE)), 1) AS avg_dispatch_ms"
        + " FROM clone_dispatches GROUP BY status ORDER BY status"},
  };

  @Override
  public Integer call() throws Exception {
    if (homeOption.home != null || keep) {
      return run(homeOption.home != null ? homeOption.home() : new Home(Files.createTempDirectory("metadb-demo-")), true);
    }
    Home temporary = new Home(Files.createTempDirectory("metadb-demo-"));
    try {
      return run(temporary, false);
    } finally {
      FileTrees.delete(temporary.dir());
    }
  }

  private int run(Home home, boolean kept) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (writers < 1 || writers > 64 || seconds < 1 || seconds > 3600 || rate < 1 || rate > 100_000) {
      throw CommandException.input("--writers must be 1..64, --seconds 1..3600, --rate 1..100000");
    }
    Home.createPrivateDirectories(home.dir());
    err.println("metadb demo: home " + home.dir());
    err.println("metadb demo: starting the ingester and " + writers + " writer processes (" + rate + " events/s each, " + seconds + " s)");
    List<Process> children = new ArrayList<>();
    AtomicLongArray recorded = new AtomicLongArray(writers);
    AtomicLongArray failed = new AtomicLongArray(writers);
    // Every stderr line of the run, the ingester's and the writers' too, goes above the progress.
    StatusLine progress = new StatusLine(err, StderrTerminal.isTerminal());
    try (Ingester ingester = Ingester.open(home, IngestOptions.DEFAULTS, line -> progress.log("metadb ingest: " + line))) {
      Thread loop = new Thread(() -> runQuietly(ingester, progress), "metadb-demo-ingester");
      loop.start();
      for (int w = 0; w < writers; w++) {
        children.add(startWriter(home, w, recorded, failed, progress));
      }
      long writersDone = 0;
      while (writersDone < writers) {
        TimeUnit.MILLISECONDS.sleep(250);
        writersDone = children.stream().filter(p -> !p.isAlive()).count();
        progress.show(progress(sum(recorded), ingester.stats().inserted()));
      }
      for (Process p : children) {
        if (p.exitValue() != 0) {
          progress.log("metadb demo: a writer process exited with " + p.exitValue());
          failed.incrementAndGet(0);
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (ingester.stats().inserted() < sum(recorded) && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(100);
        progress.show(progress(sum(recorded), ingester.stats().inserted()));
      }
      progress.finish(progress(sum(recorded), ingester.stats().inserted()));
      ingester.stop();
      loop.join();
    } finally {
      for (Process p : children) {
        p.destroyForcibly();
      }
    }
    long total = sum(recorded);
    long failures = sum(failed);
    showQueries(home, out, err);
    out.println();
    out.println("Files:");
    out.println("  home      " + home.dir());
    out.println("  database  " + home.metaDb());
    out.println("  queue     " + home.queueDir() + "  (one slot per writer process)");
    out.println("  spool     " + home.logsDir());
    out.println();
    if (kept) {
      out.println("Try: " + Hints.invokedAs() + " query --home " + home.dir() + " \"SELECT count(*) FROM ticks\"");
      out.println("     " + Hints.invokedAs() + " status --home " + home.dir());
    } else {
      out.println("The temporary home is removed now; " + Hints.invokedAs() + " demo --keep keeps it to query afterwards.");
    }
    out.flush();
    long landed = countRows(home);
    if (failures > 0 || landed != total || total == 0) {
      err.println("metadb demo: " + total + " events recorded, " + landed + " rows in meta.db, " + failures + " not recorded");
      return ExitCode.FAILURE;
    }
    err.println("metadb demo: all " + total + " recorded events are in meta.db exactly once");
    return ExitCode.OK;
  }

  private Process startWriter(Home home, int w, AtomicLongArray recorded, AtomicLongArray failed, StatusLine progress)
      throws Exception {
    List<String> command = JavaCommand.of(DemoWriter.class.getName(), List.of(),
        List.of(home.dir().toString(), Integer.toString(seconds), Integer.toString(rate), Long.toString(42L + w)));
    Process p = new ProcessBuilder(command).start();
    Thread errors = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          progress.log(line);
        }
      } catch (Exception e) {
        // The process is gone; what it said is printed.
      }
    }, "metadb-demo-writer-stderr-" + w);
    errors.setDaemon(true);
    errors.start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          String[] parts = line.split(" ");
          if (parts.length == 6 && parts[0].equals("recorded")) {
            recorded.set(w, Long.parseLong(parts[1]));
            failed.set(w, Long.parseLong(parts[5]));
          }
        }
      } catch (Exception e) {
        // The process is gone; its last report stands.
      }
    }, "metadb-demo-writer-" + w);
    reader.setDaemon(true);
    reader.start();
    return p;
  }

  private static void runQuietly(Ingester ingester, StatusLine progress) {
    try {
      ingester.run();
    } catch (Exception e) {
      progress.log("metadb demo: the ingester stopped: " + e.getMessage());
    }
  }

  private static void showQueries(Home home, PrintWriter out, PrintWriter err) throws Exception {
    try (QueryEngine engine = QueryEngine.open(home, QueryEngine.SnapshotMode.INCREMENTAL, line -> err.println("metadb query: " + line))) {
      for (String[] q : QUERIES) {
        ByteArrayOutputStream result = new ByteArrayOutputStream();
        engine.query(q[1], TimeWindow.ALL, ResultFormat.TABLE, result);
        out.println();
        out.println("== " + q[0] + " ==");
        out.println("   " + q[1]);
        out.print(result.toString(StandardCharsets.UTF_8));
      }
    }
  }

  private static long countRows(Home home) throws Exception {
    return IngestStatus.read(home).rows().values().stream().mapToLong(Long::longValue).sum();
  }

  private static long sum(AtomicLongArray a) {
    long s = 0;
    for (int i = 0; i < a.length(); i++) {
      s += a.get(i);
    }
    return s;
  }

  private static String progress(long recorded, long ingested) {
    return String.format(Locale.ROOT, "  recorded %,d   ingested %,d   lag %,d", recorded, ingested, Math.max(0, recorded - ingested));
  }
}
