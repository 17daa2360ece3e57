package dev.metadb.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;

/**
 * One started container of a test, judged by its exit code and its output.
 *
 * <p>OUTPUT. While it runs, only a count of stdout lines is kept ({@link #stdoutLines}: enough
 * to wait for progress). The output itself is read from the engine once the container has exited
 * ({@link #stdout}, {@link #stderr}), from Docker's log of the container, which holds everything
 * the process wrote before it died, however it died. A container is removed only by {@link
 * #remove}, so its log outlives a kill.
 */
final class RunningContainer {
  final String name;
  private final GenericContainer<?> container;
  private final DockerClient client;
  private final AtomicLong stdoutLines = new AtomicLong();

  RunningContainer(String name, GenericContainer<?> container) {
    this.name = name;
    this.container = container.withLogConsumer(this::count);
    this.client = container.getDockerClient();
  }

  RunningContainer start() {
    container.start();
    return this;
  }

  String id() {
    return container.getContainerId();
  }

  /** The container's hostname: what metadb records as the envelope's host. */
  String hostname() {
    return container.getContainerInfo().getConfig().getHostName();
  }

  long stdoutLines() {
    return stdoutLines.get();
  }

  /**
   * Waits until the container has printed {@code lines} stdout lines; fails when it exits first or
   * the timeout passes.
   */
  void awaitStdoutLines(long lines, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (stdoutLines.get() < lines) {
      if (System.nanoTime() > deadline || !running()) {
        throw new AssertionError(name + " printed " + stdoutLines.get() + " lines, waited for " + lines);
      }
      Thread.sleep(20);
    }
  }

  boolean running() {
    Boolean running = client.inspectContainerCmd(id()).exec().getState().getRunning();
    return Boolean.TRUE.equals(running);
  }

  /** Waits for the container's main process to end; returns its exit code. */
  int awaitExit(Duration timeout) {
    Integer code =
        client.waitContainerCmd(id()).exec(new WaitContainerResultCallback()).awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return code;
  }

  /** {@code docker kill}: SIGKILL to the container's init, which takes every process in it down. */
  void dockerKill() {
    client.killContainerCmd(id()).exec();
  }

  /** {@code docker stop}: SIGTERM to the container's init, SIGKILL after {@code grace}. */
  void dockerStop(Duration grace) {
    client.stopContainerCmd(id()).withTimeout((int) grace.toSeconds()).exec();
  }

  /** {@code kill -9 PID} run inside the container (in its PID namespace) by {@code docker exec}. */
  void killInside(long pid) throws Exception {
    var result = container.execInContainer("sh", "-c", "kill -9 " + pid);
    if (result.getExitCode() != 0) {
      throw new IllegalStateException("kill -9 " + pid + " in " + name + " failed: " + result.getStderr());
    }
  }

  /** Waits for the exit and fails unless it is {@code expected}, showing stderr and stdout's tail. */
  void assertExit(int expected, Duration timeout) throws InterruptedException {
    int exit = awaitExit(timeout);
    if (exit != expected) {
      List<String> out = stdout();
      throw new AssertionError(name + " exited " + exit + ", expected " + expected + "; stderr:\n" + stderr()
          + "\nlast stdout lines:\n" + String.join("\n", out.subList(Math.max(0, out.size() - 20), out.size())));
    }
  }

  List<String> stdout() throws InterruptedException {
    return log(StreamType.STDOUT).lines().toList();
  }

  String stderr() throws InterruptedException {
    return log(StreamType.STDERR);
  }

  /** Stops (SIGKILL) and removes the container; a no-op for one already removed. */
  void remove() {
    container.stop();
  }

  private String log(StreamType type) throws InterruptedException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    client
        .logContainerCmd(id())
        .withStdOut(type == StreamType.STDOUT)
        .withStdErr(type == StreamType.STDERR)
        .withFollowStream(false)
        .exec(
            new ResultCallback.Adapter<Frame>() {
              @Override
              public void onNext(Frame frame) {
                if (frame.getStreamType() == type || frame.getStreamType() == StreamType.RAW) {
                  bytes.writeBytes(frame.getPayload());
                }
              }
            })
        .awaitCompletion();
    return bytes.toString(StandardCharsets.UTF_8);
  }

  /** Testcontainers splits the followed log into one frame per line. */
  private void count(OutputFrame frame) {
    if (frame.getType() == OutputFrame.OutputType.STDOUT) {
      stdoutLines.incrementAndGet();
    }
  }
}
