package dev.metadb.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process whose stdout and stderr go to files (no pipe to fill up and stall it), started
 * with exactly the environment given: nothing of the test JVM's leaks in, as with {@code env -i}.
 */
final class Proc implements AutoCloseable {
  record Result(int exit, String out, String err) {}

  private final Process process;
  private final Path out;
  private final Path err;

  private Proc(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  static Proc start(List<String> command, Map<String, String> env, Path cwd, Path logs) throws IOException {
    Files.createDirectories(logs);
    Path out = Files.createTempFile(logs, "out", ".txt");
    Path err = Files.createTempFile(logs, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().clear();
    pb.environment().putAll(env);
    return new Proc(pb.start(), out, err);
  }

  static Result run(List<String> command, Map<String, String> env, Path cwd, Path logs) throws Exception {
    try (Proc p = start(command, env, cwd, logs)) {
      return p.await(Duration.ofMinutes(3));
    }
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  String err() throws IOException {
    return Files.readString(err, StandardCharsets.UTF_8);
  }

  /** Sends SIGTERM, as systemd's KillSignal=SIGTERM does. */
  void terminate() {
    process.destroy();
  }

  Result await(Duration timeout) throws Exception {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("still running after " + timeout + ": " + err());
    }
    return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), err());
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
