package dev.metadb.writer;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM ({@link ChildJvm}: this test classpath, Chronicle's flags) whose stdout and stderr
 * are collected line by line as they come, so a chatty child never blocks on a full pipe, with
 * waits on what it printed. Shared with every module's tests through the writer's
 * test-jar.
 */
public final class Child implements AutoCloseable {
  public final Process process;
  private final List<String> out = new ArrayList<>();
  private final List<String> err = new ArrayList<>();
  private final List<Thread> pumps = new ArrayList<>();

  private Child(Process process) {
    this.process = process;
    pumps.add(pump(process.getInputStream(), out));
    pumps.add(pump(process.getErrorStream(), err));
  }

  public static Child start(Class<?> main, Map<String, String> env, String... args) throws IOException {
    return new Child(ChildJvm.builder(main, env, args).start());
  }

  public static Child start(Class<?> main, String... args) throws IOException {
    return start(main, Map.of(), args);
  }

  public long pid() {
    return process.pid();
  }

  public List<String> out() {
    synchronized (out) {
      return List.copyOf(out);
    }
  }

  public List<String> err() {
    synchronized (err) {
      return List.copyOf(err);
    }
  }

  /** Waits until a stderr line matches; false on timeout or when the child exited without one. */
  public boolean awaitErr(Predicate<String> line, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (err) {
      while (true) {
        if (err.stream().anyMatch(line)) {
          return true;
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        if (!process.isAlive()) {
          err.wait(200); // let the pump read what the child printed last
          return err.stream().anyMatch(line);
        }
        err.wait(Math.min(100, left));
      }
    }
  }

  /** Waits for the exit and both streams to be read to the end; returns the exit code. */
  public int await(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("child " + pid() + " still running after " + timeout + "; stderr: " + err());
    }
    for (Thread pump : pumps) {
      pump.join(TimeUnit.SECONDS.toMillis(10));
    }
    return process.exitValue();
  }

  /** kill -9. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
  }

  private static Thread pump(InputStream stream, List<String> into) {
    return LinePump.start(stream, null, line -> {
      synchronized (into) {
        into.add(line);
        into.notifyAll();
      }
    });
  }
}
