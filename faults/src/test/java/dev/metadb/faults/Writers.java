package dev.metadb.faults;

import dev.metadb.writer.Home;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * The writer processes of one home ({@link FaultWriter}s and {@link StepWriter}s) and the books
 * they fill: a writer's account of what it was told is its stdout file, entered into {@link
 * Books} exactly once, when the writer is gone (exited, or killed by SIGKILL).
 *
 * <p>A writer is told to stop by a stop file (FaultWriter) or an {@code exit} step (StepWriter);
 * one that exits by itself must exit 0 without a crash line, which the harness checks through the
 * {@code expect} callback.
 */
final class Writers {
  private static final Duration EXIT = Duration.ofSeconds(60);

  private final Home home;
  private final Path controlDir;
  private final Path logs;
  private final Random random;
  private final Books books;
  private final BiConsumer<ChildProcess, Boolean> expect;
  private final Path stopFile;
  private final Map<String, String> env = new HashMap<>();
  private final List<ChildProcess> all = new ArrayList<>();
  private final List<ChildProcess> settled = new ArrayList<>();
  private final Map<ChildProcess, String> tags = new HashMap<>();
  private final Map<String, Long> steps = new HashMap<>();
  private int next;

  /**
   * @param expect told each writer that is gone and whether it went as a writer may
   */
  Writers(Home home, Path controlDir, Path logs, Random random, Books books, BiConsumer<ChildProcess, Boolean> expect) {
    this.home = home;
    this.controlDir = controlDir;
    this.logs = logs;
    this.random = random;
    this.books = books;
    this.expect = expect;
    this.stopFile = controlDir.resolve("stop-writers");
  }

  /** Writers may claim at most {@code slots} slots, without waiting: the rest record to the spool. */
  void slots(int slots) {
    env.put("METADB_MAX_SLOTS", Integer.toString(slots));
    env.put("METADB_CLAIM_TIMEOUT_MS", "0");
  }

  /** Starts a FaultWriter: bursts of up to 50 events, pauses up to 20 ms, 2 % long idles. */
  ChildProcess start() throws IOException {
    String tag = "w" + next++;
    ChildProcess writer = ChildProcess.start("writer-" + tag, FaultWriter.class, env, logs, true,
        home.dir().toString(), tag, Long.toString(random.nextLong()), "50", "20", "2", stopFile.toString());
    all.add(writer);
    tags.put(writer, tag);
    return writer;
  }

  /** Starts a {@link StepWriter} and waits until it holds its slot. */
  void startStepWriter(String tag) throws IOException, InterruptedException {
    ChildProcess writer = ChildProcess.start("writer-" + tag, StepWriter.class, env, logs, true,
        home.dir().toString(), tag, controlDir.toString());
    all.add(writer);
    tags.put(writer, tag);
    steps.put(tag, 0L);
    awaitLine(writer, 1, "START");
  }

  /** Makes step writer {@code tag} record one event; returns the line it printed for it. */
  String step(String tag) throws IOException, InterruptedException {
    long k = steps.get(tag);
    steps.put(tag, k + 1);
    Files.writeString(controlDir.resolve(tag + "-step-" + k), "go");
    ChildProcess writer = tags.entrySet().stream().filter(e -> e.getValue().equals(tag)).findFirst().orElseThrow().getKey();
    return awaitLine(writer, (int) k + 2, "step " + k);
  }

  List<ChildProcess> live() {
    return all.stream().filter(ChildProcess::isAlive).toList();
  }

  /** Whether a writer has reported at least one record call (its JVM is up and recording). */
  boolean ready(ChildProcess writer) {
    try {
      return Files.size(writer.stdoutFile()) > 48; // more than the START line
    } catch (IOException e) {
      return false;
    }
  }

  boolean allReady() {
    return live().stream().allMatch(this::ready);
  }

  /** SIGKILL of a random writer that is recording, replaced by a new one; false when none was. */
  boolean killOne() throws IOException, InterruptedException {
    List<ChildProcess> recording = live().stream().filter(this::ready).toList();
    if (recording.isEmpty()) {
      return false;
    }
    ChildProcess victim = recording.get(random.nextInt(recording.size()));
    victim.kill9();
    books.killed(tags.get(victim));
    settle(victim);
    start();
    return true;
  }

  /** Settles the writers that exited by themselves. */
  void collectExited() throws IOException, InterruptedException {
    for (ChildProcess w : List.copyOf(all)) {
      if (!w.isAlive() && !settled.contains(w)) {
        settle(w);
      }
    }
  }

  /** Asks every writer to stop (at its next burst boundary) and settles them all. */
  void stopAll() throws IOException, InterruptedException {
    Files.writeString(stopFile, "stop");
    for (Map.Entry<String, Long> step : steps.entrySet()) {
      Files.writeString(controlDir.resolve(step.getKey() + "-step-" + step.getValue()), "exit");
    }
    for (ChildProcess w : List.copyOf(all)) {
      if (!settled.contains(w)) {
        settle(w);
      }
    }
  }

  /** Kills whatever still runs (a test that failed half way). */
  void closeAll() throws InterruptedException {
    for (ChildProcess w : all) {
      w.close();
    }
  }

  private void settle(ChildProcess w) throws IOException, InterruptedException {
    settled.add(w);
    int code = w.await(EXIT);
    if (!w.wasKilled()) {
      expect.accept(w, code == 0 && w.crashLines().isEmpty());
    }
    books.readWriterOutput(tags.get(w), w.stdoutFile());
  }

  private static String awaitLine(ChildProcess writer, int lines, String what) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + EXIT.toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.readString(writer.stdoutFile(), StandardCharsets.UTF_8);
      String[] got = text.split("\n");
      if (text.endsWith("\n") && got.length >= lines) {
        return got[lines - 1];
      }
      if (!writer.isAlive()) {
        throw new AssertionError(writer.describe() + " exited before " + what);
      }
      Thread.sleep(10);
    }
    throw new AssertionError(writer.role + " did not print " + what + " within " + EXIT);
  }
}
