package dev.metadb.faults;

import dev.metadb.command.Main;
import dev.metadb.writer.ChildJvm;
import dev.metadb.writer.LinePump;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One child JVM of the suite (a writer, {@code metadb ingest}, {@code metadb replay}, a lock
 * holder), started with this test classpath and Chronicle's flags ({@link ChildJvm}).
 *
 * <p>Both output streams are read as they come, so a chatty child never blocks on a full pipe:
 * stdout lines go to a consumer (the writers' books), stderr lines are kept, the last {@link
 * #KEPT_LINES} of each for messages. {@link #kill9()} is a real SIGKILL ({@code destroyForcibly}
 * on a JVM child), {@link #terminate()} a SIGTERM.
 */
final class ChildProcess implements AutoCloseable {
  static final int KEPT_LINES = 200;

  final String role;
  private final Process process;
  private final Deque<String> out = new ArrayDeque<>();
  private final Deque<String> err = new ArrayDeque<>();
  private final List<Thread> pumps = new ArrayList<>();
  private final List<String> crashLines = new ArrayList<>();
  private final Path stdoutFile;
  private final Path stderrCopy;
  private final java.util.Set<String> said = new java.util.HashSet<>();
  private boolean killed;

  private ChildProcess(String role, Process process, Path log, Path stdoutFile) throws IOException {
    this.role = role;
    this.process = process;
    this.stdoutFile = stdoutFile;
    if (stdoutFile == null) {
      pumps.add(pump(process.getInputStream(), out, line -> {}, log == null ? null : Path.of(log + ".out")));
    }
    this.stderrCopy = log == null ? null : Path.of(log + ".err");
    pumps.add(pump(process.getErrorStream(), err, this::watchForCrash, stderrCopy));
  }

  /**
   * Starts {@code main} with {@code args} in a child JVM. With a {@code logDir}, stdout and stderr
   * are copied to {@code <logDir>/<role>-<pid>.out|.err}; with {@code stdoutToFile}, stdout goes
   * straight to {@code <logDir>/<role>.out} instead of a pipe (a writer's account of what it was
   * told, read back whole after it exited or was killed: no pipe, nothing in flight).
   */
  static ChildProcess start(String role, Class<?> main, Map<String, String> env, Path logDir, boolean stdoutToFile, String... args)
      throws IOException {
    return start(role, main, env, logDir, stdoutToFile, Path.of("/dev/null"), args);
  }

  /** {@link #start} with stdin read from {@code stdin}. */
  static ChildProcess start(
      String role, Class<?> main, Map<String, String> env, Path logDir, boolean stdoutToFile, Path stdin, String... args)
      throws IOException {
    ProcessBuilder builder = ChildJvm.builder(main, env, args);
    builder.redirectInput(stdin.toFile());
    Path stdoutFile = null;
    if (logDir != null) {
      Files.createDirectories(logDir);
    }
    if (stdoutToFile) {
      stdoutFile = logDir.resolve(role.replace(' ', '-') + ".out");
      builder.redirectOutput(stdoutFile.toFile());
    }
    Process process = builder.start();
    Path log = logDir == null ? null : logDir.resolve(role.replace(' ', '-') + "-" + process.pid());
    return new ChildProcess(role, process, log, stdoutFile);
  }

  /** {@code metadb ARGS} in a child JVM, through the command's real entry point. */
  static ChildProcess metadb(Path logDir, String role, String... args) throws IOException {
    return start(role, Main.class, Map.of(), logDir, false, args);
  }

  /** Where stdout went when it went to a file, else null. */
  Path stdoutFile() {
    return stdoutFile;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  boolean wasKilled() {
    return killed;
  }

  /** SIGKILL, then waits for the process to be gone. */
  void kill9() throws InterruptedException {
    killed = true;
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM (the JVM runs its shutdown hooks; {@code metadb ingest} commits and exits 0). */
  void terminate() {
    process.destroy();
  }

  /** Waits for the exit and the end of both streams; returns the exit code. */
  int await(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(role + " (pid " + pid() + ") still running after " + timeout + "; stderr: " + stderr());
    }
    for (Thread pump : pumps) {
      pump.join(TimeUnit.SECONDS.toMillis(10));
    }
    return process.exitValue();
  }

  List<String> stderr() {
    synchronized (err) {
      return List.copyOf(err);
    }
  }

  /** Every stderr line, from the copy in the log directory; call after {@link #await}. */
  List<String> stderrAll() throws IOException {
    return stderrCopy == null ? stderr() : Files.readAllLines(stderrCopy, StandardCharsets.UTF_8);
  }

  List<String> stdout() {
    synchronized (out) {
      return List.copyOf(out);
    }
  }

  /**
   * Stderr lines that only a crash prints: a stack frame, an uncaught exception, the JVM's fatal
   * error banner (SIGBUS, SIGSEGV). Bounded to the first 20.
   */
  List<String> crashLines() {
    synchronized (crashLines) {
      return List.copyOf(crashLines);
    }
  }

  /** Whether stderr has shown a line containing {@code text} (seen lines are kept, not only the last ones). */
  boolean saidOnStderr(String text) {
    synchronized (said) {
      if (said.contains(text)) {
        return true;
      }
    }
    for (String line : stderr()) {
      if (line.contains(text)) {
        synchronized (said) {
          said.add(text);
        }
        return true;
      }
    }
    return false;
  }

  private void watchForCrash(String line) {
    if (line.contains("running (pid")) {
      synchronized (said) {
        said.add("running (pid");
      }
    }
    if (line.startsWith("\tat ") || line.contains("Exception in thread") || line.contains("A fatal error has been detected")) {
      synchronized (crashLines) {
        if (crashLines.size() < 20) {
          crashLines.add(line);
        }
      }
    }
  }

  /** What a person needs to see about this child when something about it was unexpected. */
  String describe() {
    List<String> e = stderr();
    List<String> tail = e.subList(Math.max(0, e.size() - 15), e.size());
    return role + " pid " + pid() + (process.isAlive() ? " (running)" : " exit " + process.exitValue())
        + "\n    stderr: " + String.join("\n            ", tail);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
  }

  private static Thread pump(InputStream stream, Deque<String> kept, Consumer<String> consumer, Path copy) {
    return LinePump.start(stream, copy, line -> {
      consumer.accept(line);
      synchronized (kept) {
        kept.addLast(line);
        if (kept.size() > KEPT_LINES) {
          kept.removeFirst();
        }
      }
    });
  }
}
