package dev.metadb.faults;

import dev.metadb.store.MetaDatabase;
import dev.metadb.writer.FileTrees;
import dev.metadb.writer.Home;
import dev.metadb.writer.Tmpfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One home and the processes that share it: writers ({@link FaultWriter}), one {@code metadb
 * ingest} and a {@code metadb replay} run after run, each a child JVM. A test injects faults
 * between {@link #tick()}s, then calls {@link #recover}, {@link #finalDrain} and {@link #audit}.
 *
 * <p>LAYOUT. {@code <faults.homes>/<test>-<seed>/home} is the metadb home; the stop file and
 * moved-aside queue directories live beside it. The directory is deleted when the test passed
 * and kept for a person to look at when it did not.
 *
 * <p>EXPECTED EXITS. A child the harness did not kill must exit as its role allows, or the test
 * fails with the child's stderr: writers 0; the ingester never on its own; a replay 0, or 1 when
 * a fault was active while it ran (meta.db locked or full: "stopped, rerun to resume");
 * nobody may print a stack trace or a JVM crash banner.
 */
final class Harness implements AutoCloseable {
  private static final Duration EXIT = Duration.ofSeconds(60);

  final String name;
  final Seed seed;
  final Random random;
  final Path root;
  final Home home;
  final Books books = new Books();
  /** Faults injected, by kind. */
  final Map<String, Long> faults = new TreeMap<>();
  /** Things seen that are not faults, by kind (see {@link #observe}). */
  final Map<String, Long> observations = new TreeMap<>();
  /** Queue directories moved aside and not restored: what they hold is excused, if QUEUED. */
  final List<Path> removedQueues = new ArrayList<>();
  /** Operator actions the recovery needed beyond restarting processes, counted (for the report). */
  final Map<String, Long> operatorSteps = new TreeMap<>();

  /** Every child's stdout and stderr, copied (kept with the home when a test fails). */
  final Path logs;
  final Writers writers;
  private final List<String> unexpected = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private ChildProcess ingester;
  private ChildProcess replay;
  private boolean replayMetFault;
  private boolean replaying = true;
  private boolean faultActive;
  private long faultsOverNanos;
  private boolean ingesterMayExit;
  private boolean skipMissing;
  private Set<Integer> replayExits = Set.of(0);
  private long replayRuns;
  private long offsetAtReplayStart;
  private long replayGapNanos;
  private long lastReplayStart = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
  private boolean passed;

  Harness(String test, Seed seed) throws IOException, InterruptedException {
    this.name = test;
    this.seed = seed;
    this.random = seed.random();
    this.root = Path.of(System.getProperty("faults.homes", "target/fault-homes"), test + "-" + Long.toUnsignedString(seed.value()))
        .toAbsolutePath();
    unmountAllUnder(root);
    FileTrees.delete(root);
    Files.createDirectories(root);
    this.home = new Home(root.resolve("home"));
    this.logs = root.resolve("children");
    this.writers = new Writers(home, root, logs, random, books, this::expect);
  }

  /** Writers may claim at most {@code slots} slots, without waiting: the rest record to the spool. */
  Harness slots(int slots) {
    writers.slots(slots);
    return this;
  }

  void startWriters(int n) throws IOException {
    for (int i = 0; i < n; i++) {
      writers.start();
    }
  }

  void startIngester() throws IOException {
    List<String> args = new ArrayList<>(List.of("ingest", "--home", home.dir().toString(), "--batch-size", "500", "--max-latency-ms", "100"));
    if (skipMissing) {
      args.add("--skip-missing");
    }
    ingester = ChildProcess.metadb(logs, "ingester", args.toArray(String[]::new));
  }

  /** Counts an operator action by its kind (paths, numbers and hex blanked). */
  void operatorStep(String step) {
    String kind = step.replaceAll("/[^ :;)]*", "<path>").replaceAll("0x[0-9a-f]+", "0x…").replaceAll("[0-9]+", "N");
    operatorSteps.merge(kind, 1L, Long::sum);
  }

  ChildProcess ingester() {
    return ingester;
  }

  /** Faults are being injected: replays running now or started meanwhile may fail (exit 1) and say so. */
  void faultActive(boolean active) {
    faultActive = active;
    if (active && replay != null) {
      replayMetFault = true;
    }
  }

  /** The last fault is over (space returned, lock released, last kill): recovery is timed from here. */
  void faultsOver() {
    faultActive = false;
    faultsOverNanos = System.nanoTime();
  }

  /** Lines containing {@code text} in the stderr copies of every child whose role starts with {@code role}. */
  long countInLogs(String role, String text) throws IOException {
    if (!Files.isDirectory(logs)) {
      return 0;
    }
    long n = 0;
    try (Stream<Path> files = Files.list(logs)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith(role.replace(' ', '-')) && p.toString().endsWith(".err")).toList()) {
        try (Stream<String> lines = Files.lines(f, StandardCharsets.UTF_8)) {
          n += lines.filter(l -> l.contains(text)).count();
        }
      }
    }
    return n;
  }

  /** The exit codes a replay run may have outside faults (default 0; 1 where lines are quarantined). */
  void replayExits(Integer... codes) {
    replayExits = Set.of(codes);
  }

  /** The ingester may stop by itself (exit 1 with a reason) and is then restarted. */
  void ingesterMayExit(boolean may) {
    ingesterMayExit = may;
  }

  void count(String fault) {
    faults.merge(fault, 1L, Long::sum);
  }

  /** Counts something seen that is not a fault (an outcome, a damaged line): goes into the notes. */
  void observe(String what) {
    observations.merge(what, 1L, Long::sum);
  }

  long faultsInjected() {
    return faults.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Whether the ingester is running its loop ("running (pid N)" on stderr). */
  boolean ingesterReady() {
    return ingester != null && ingester.isAlive() && ingester.saidOnStderr("running (pid");
  }

  /**
   * Ticks until every live writer has recorded something and the ingester runs: on a loaded
   * machine a JVM can take seconds to start, and a fault injected before then tests nothing.
   */
  void awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!(writers.allReady() && (ingester == null || ingesterReady()))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + ": writers and ingester not running after " + timeout);
      }
      tick();
      Thread.sleep(50);
    }
  }

  /** SIGKILL of a random writer that is recording, replaced by a new one; false when none was. */
  boolean killWriter() throws IOException, InterruptedException {
    if (!writers.killOne()) {
      return false;
    }
    count("kill -9 writer");
    return true;
  }

  /** SIGKILL of the ingester (once it runs its loop), restarted at once; false when it was not running. */
  boolean killIngester() throws IOException, InterruptedException {
    if (!ingesterReady()) {
      return false;
    }
    ingester.kill9();
    count("kill -9 ingester");
    startIngester();
    return true;
  }

  /**
   * SIGKILL of the running replay, mid-file when it can be: waits (up to 20 s) for the run's first
   * commit into today's spool file, then kills it; it observes the kills after
   * which the ledger stands strictly inside the file. False when no replay ran, or it finished
   * before its first commit could be seen (nothing killed).
   */
  boolean killReplay() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (replay != null && replay.isAlive() && ledgerOffset() <= offsetAtReplayStart && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    if (replay == null || !replay.isAlive()) {
      return false;
    }
    replay.kill9();
    count("kill -9 replay");
    long offset = ledgerOffset();
    if (offset > offsetAtReplayStart && offset < spoolSize()) {
      observe("replay kills that landed mid-file (ledger strictly inside the file)");
    }
    return true;
  }

  /**
   * Starts the next replay run only {@code gap} after the last one started, so the spool builds a
   * backlog that takes a run several commits (and a kill can land between them).
   */
  void replayEvery(Duration gap) {
    replayGapNanos = gap.toNanos();
  }

  /** Replay's committed offset in today's spool file (0 when it has none). */
  long ledgerOffset() {
    if (!Files.exists(home.metaDb())) {
      return 0;
    }
    try (Connection c = MetaDatabase.connectReadOnly(home.metaDb());
        PreparedStatement s = c.prepareStatement("SELECT coalesce(max(byte_offset), 0) FROM replay_ledger WHERE file = ?")) {
      s.setString(1, home.spoolFileToday().toString());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    } catch (SQLException e) {
      return 0;
    }
  }

  private long spoolSize() {
    try {
      return Files.size(home.spoolFileToday());
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Keeps the roles going: collects exited children (noting unexpected exits), restarts the
   * ingester if it stopped, starts the next replay run when the last one finished.
   */
  void tick() throws IOException, InterruptedException {
    writers.collectExited();
    if (ingester != null && !ingester.isAlive() && !ingester.wasKilled()) {
      int code = ingester.await(EXIT);
      expect(ingester, ingesterMayExit && code == 1 && ingester.crashLines().isEmpty());
      if (code == 1 && ingester.saidOnStderr("--skip-missing")) {
        operatorStep("ingester stopped (" + firstLine(ingester.stderr(), "checkpoint") + "): restarted it with --skip-missing");
        skipMissing = true;
      }
      startIngester();
    }
    if (replay != null && !replay.isAlive()) {
      if (!replay.wasKilled()) {
        int code = replay.await(EXIT);
        replayRuns++;
        expect(replay, (replayExits.contains(code) || (code == 1 && replayMetFault)) && replay.crashLines().isEmpty());
      }
      replay = null;
    }
    if (replay == null && replaying && System.nanoTime() - lastReplayStart >= replayGapNanos) {
      lastReplayStart = System.nanoTime();
      replayMetFault = faultActive;
      offsetAtReplayStart = ledgerOffset();
      replay = ChildProcess.metadb(logs, "replay", "replay", "--home", home.dir().toString());
    }
  }

  /** Ticks for {@code millis}, every 50 ms. */
  void run(long millis) throws IOException, InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    do {
      tick();
      Thread.sleep(Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
    } while (System.nanoTime() < end);
  }

  /** Asks every writer to stop at its next burst boundary and waits for them. */
  void stopWriters() throws IOException, InterruptedException {
    writers.stopAll();
  }

  /**
   * With the writers stopped and the faults over, keeps the ingester and replays running until
   * every recorded event is in meta.db. Returns the milliseconds from {@link #faultsOver()} (or
   * from this call, if it was not called) until then, or -1 after {@code timeout} (the final
   * drain and audit then say what is wrong).
   */
  long recover(Duration timeout) throws IOException, InterruptedException, SQLException {
    long start = faultsOverNanos != 0 ? faultsOverNanos : System.nanoTime();
    faultActive(false);
    replayGapNanos = 0;
    long deadline = System.nanoTime() + timeout.toNanos();
    long excused = 0;
    for (Path dir : removedQueues) {
      excused += Audit.idsInQueue(dir).size();
    }
    while (System.nanoTime() < deadline) {
      tick();
      if (Audit.totalRows(home) >= books.recorded() - excused && Audit.check(home, books, removedQueues, id -> false).missing() == 0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      }
      Thread.sleep(200);
    }
    return -1;
  }

  /**
   * Stops the running ingester (SIGTERM: it commits and exits 0) and the replay runs, then drains
   * what is left: {@code metadb ingest --once} and one {@code metadb replay}, each expected to exit
   * 0 ({@code replayExit} when the test expects quarantined lines).
   */
  void finalDrain(int replayExit) throws IOException, InterruptedException {
    replaying = false;
    if (replay != null) {
      if (replay.isAlive()) {
        replay.await(EXIT);
      }
      tick();
    }
    if (ingester != null && ingester.isAlive()) {
      ingester.terminate();
      expect(ingester, ingester.await(EXIT) == 0 && ingester.crashLines().isEmpty());
    }
    ChildProcess once = ChildProcess.metadb(logs, "final ingest", "ingest", "--home", home.dir().toString(), "--once");
    int code = once.await(EXIT);
    if (code == 1 && String.join("\n", once.stderr()).contains("--skip-missing")) {
      operatorStep("final ingest --once refused (" + firstLine(once.stderr(), "checkpoint") + "): reran it with --skip-missing");
      once = ChildProcess.metadb(logs, "final ingest --skip-missing", "ingest", "--home", home.dir().toString(), "--once", "--skip-missing");
      code = once.await(EXIT);
    }
    expect(once, code == 0 && once.crashLines().isEmpty());
    ChildProcess last = ChildProcess.metadb(logs, "final replay", "replay", "--home", home.dir().toString());
    expect(last, last.await(EXIT) == replayExit && last.crashLines().isEmpty());
  }

  Audit.Result audit() throws SQLException, IOException {
    return Audit.check(home, books, removedQueues, id -> false);
  }

  /**
   * Appends this test's row to the results file (before any assertion, so a failure's figures
   * are kept), then fails the test if the books do not balance, recovery timed out, or a child
   * misbehaved.
   */
  void report(String faultClass, String variant, Audit.Result a, long recoveryMs, long startedNanos, String notes)
      throws IOException {
    Map<String, Long> excused = new TreeMap<>();
    if (a.lostWithRemovedQueue() > 0) {
      excused.put("queued into a queue directory removed before ingestion", a.lostWithRemovedQueue());
    }
    if (a.inFlightAtKill() > 0) {
      excused.put("in flight when its writer was killed (stored, never reported)", a.inFlightAtKill());
    }
    if (a.failedLanded() > 0) {
      excused.put("reported FAILED, landed anyway", a.failedLanded());
    }
    List<String> noteParts = new ArrayList<>();
    if (notes != null && !notes.isBlank()) {
      noteParts.add(notes);
    }
    observations.forEach((what, n) -> noteParts.add(what + ": " + n));
    operatorSteps.forEach((step, n) -> noteParts.add("operator step x" + n + ": " + step));
    noteParts.addAll(violations);
    boolean ok = a.balanced() && a.recorded() > 0 && unexpected.isEmpty() && violations.isEmpty() && recoveryMs >= 0;
    Results.append(new ResultRow(
        Results.RUN, name, faultClass, variant, Long.toString(seed.value()), Scale.FULL, faults, faultsInjected(),
        a.recorded(), a.queued(), a.spooled(), a.failed(), a.landed(), a.duplicates(), a.missing(), a.unknown(),
        excused, QuarantineReasons.byKind(home), recoveryMs,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos), ok, String.join("; ", noteParts), false,
        ReliabilityReport.Machine.describe()));
    System.out.println("[faults] " + name + " " + variant + ": " + a.summary() + "; recovery " + recoveryMs + " ms; faults " + faults);
    if (!unexpected.isEmpty()) {
      throw new AssertionError(name + " (seed " + seed.value() + "): children did what their role does not allow:\n  "
          + String.join("\n  ", unexpected));
    }
    if (!violations.isEmpty()) {
      throw new AssertionError(name + " (seed " + seed.value() + "): " + String.join("; ", violations));
    }
    if (a.recorded() == 0) {
      throw new AssertionError(name + " (seed " + seed.value() + "): no event was recorded, so the run proves nothing");
    }
    if (!a.balanced()) {
      throw new AssertionError(name + " (seed " + seed.value() + "): the books do not balance: " + a.summary());
    }
    if (recoveryMs < 0) {
      throw new AssertionError(name + " (seed " + seed.value() + "): not every recorded event was in meta.db within the recovery limit "
          + "(the final drain then balanced the books: " + a.summary() + ")");
    }
  }

  /** A test's own requirement: recorded in its row and failed by {@link #report} when not met. */
  void require(boolean condition, String message) {
    if (!condition) {
      violations.add(message);
    }
  }

  long replayRuns() {
    return replayRuns;
  }

  /** Notes a child that did what its role does not allow (the test then fails in {@link #report}). */
  void expect(ChildProcess child, boolean asExpected) {
    if (!asExpected) {
      unexpected.add(child.describe() + (child.crashLines().isEmpty() ? "" : "\n    crash lines: " + child.crashLines()));
    }
  }

  private static String firstLine(List<String> lines, String containing) {
    return lines.stream().filter(l -> l.contains(containing)).findFirst().orElse(lines.isEmpty() ? "" : lines.get(0));
  }

  /** The test passed: the home may be deleted on close. */
  void passed() {
    passed = true;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    writers.closeAll();
    for (ChildProcess child : new ChildProcess[] {ingester, replay}) {
      if (child != null) {
        child.close();
      }
    }
    unmountAllUnder(root);
    if (passed) {
      FileTrees.delete(root);
    } else {
      System.out.println("[faults] " + name + ": kept " + root + " for inspection");
    }
  }

  /** Unmounts every mount at or under {@code dir}, deepest first (a test that failed half way). */
  static void unmountAllUnder(Path dir) throws IOException, InterruptedException {
    String prefix = dir.toAbsolutePath().normalize().toString();
    List<String> mounts = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8)) {
      String[] fields = line.split(" ");
      if (fields.length > 1 && (fields[1].equals(prefix) || fields[1].startsWith(prefix + "/"))) {
        mounts.add(fields[1]);
      }
    }
    mounts.sort(Comparator.comparingInt(String::length).reversed());
    for (String mount : mounts) {
      Tmpfs.unmount(Path.of(mount));
    }
  }

}
