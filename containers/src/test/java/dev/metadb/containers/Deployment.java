package dev.metadb.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;

/**
 * One metadb home on the host, shared by every container a test starts on it: the deployment
 * shape under test. The home is a host directory bind-mounted read-write at {@link #HOME} in each
 * container, so the Chronicle queue files, their slot lock files and meta.db are the same inodes
 * for all of them (and for the test, which reads meta.db and the queue from the host).
 *
 * <pre>
 * host DIR/home     -> /metadb     read-write   the metadb home (queue/, meta.db, logs/)
 * host DIR/control  -> /control    read-only    control/stop: writers in COUNT 0 mode finish
 * </pre>
 *
 * <p>A size-limited queue ({@link #queueOnTmpfs}) is a tmpfs mounted on the host at
 * DIR/home/queue: Docker's bind mounts are recursive, so every container sees it inside /metadb,
 * and it outlives the containers. (A Docker volume of type tmpfs would not: the engine unmounts it,
 * contents and all, when the last container using it stops, so the ingester started after the
 * writers would find an empty queue.)
 *
 * <p>{@link #close} removes every container it started (however it ended), then unmounts the
 * tmpfs, and keeps the first error.
 */
final class Deployment implements AutoCloseable {
  static final String HOME = "/metadb";
  static final String CONTROL = "/control";

  /** Whose PID numbers a container's processes get. */
  enum Pids {
    /** {@code --pid=host}: the host's namespace, PIDs unique across containers. */
    HOST,
    /** Docker's default: a namespace of its own, where the first processes get the same small PIDs. */
    OWN
  }

  final ContainerHost host;
  final Path home;
  private final Path control;
  private final List<RunningContainer> started = new ArrayList<>();
  private Path tmpfsQueue;
  private int writers;
  private int ingesters;

  Deployment(ContainerHost host, Path dir) throws IOException {
    this.host = host;
    this.home = Files.createDirectories(dir.resolve("home"));
    this.control = Files.createDirectories(dir.resolve("control"));
  }

  /**
   * Mounts a tmpfs of {@code size} (e.g. "2m") at the home's queue directory, before any container
   * starts. Aborts the test (skipped, with the reason printed) where this process may not mount.
   */
  void queueOnTmpfs(String size) throws IOException, InterruptedException {
    Path queue = Files.createDirectories(home.resolve("queue"));
    Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", queue.toString())
        .redirectErrorStream(true)
        .start();
    String out = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (mount.waitFor() != 0) {
      String reason = "mount -t tmpfs is not permitted here: " + out;
      System.err.println("SKIPPED full-queue container test: " + reason);
      Assumptions.abort(reason);
    }
    tmpfsQueue = queue;
  }

  /**
   * A writer container running {@link ContainerWriter} (see its args). Its main process is a
   * shell that waits for java: PID 1 of a namespace ignores SIGKILL sent from inside it, so java
   * must not be PID 1 for {@link RunningContainer#killInside} to be a real kill -9.
   */
  RunningContainer startWriter(Pids pids, long count, int padBytes, long ratePerSecond) {
    String cp = ContainerHost.DIST + "/lib/*:" + ContainerHost.DIST + "/metadb.jar:" + ContainerHost.TESTS;
    List<String> java =
        host.java(
            "-cp", cp, ContainerWriter.class.getName(), HOME, Long.toString(count), Integer.toString(padBytes),
            Long.toString(ratePerSecond), CONTROL + "/stop");
    String script = java.stream().map(Deployment::quote).collect(Collectors.joining(" ")) + "; exit $?";
    return start("writer-" + ++writers, pids, "sh", "-c", script);
  }

  /**
   * A container running {@code metadb ingest} until stopped. java is the container's PID 1 (no
   * shell), so {@code docker stop}'s SIGTERM reaches the handler that commits and exits 0.
   */
  RunningContainer startIngester(Pids pids) {
    return start("ingester-" + ++ingesters, pids, metadb("ingest").toArray(String[]::new));
  }

  /** Runs one {@code metadb ARGS --home /metadb} to its end in a fresh container. */
  Outcome run(String... args) throws InterruptedException {
    RunningContainer c = start("metadb-" + args[0], Pids.OWN, metadb(args).toArray(String[]::new));
    int exit = c.awaitExit(Duration.ofMinutes(2));
    Outcome outcome = new Outcome(exit, c.stdout(), c.stderr());
    c.remove();
    started.remove(c);
    return outcome;
  }

  /** Writers started with COUNT 0 finish their current event, close and exit 0. */
  void stopWriters() throws IOException {
    Files.writeString(control.resolve("stop"), "stop\n");
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (RunningContainer c : started) {
      try {
        c.remove();
      } catch (RuntimeException e) {
        first = keep(first, e);
      }
    }
    started.clear();
    if (tmpfsQueue != null) {
      try {
        Process umount = new ProcessBuilder("umount", "-l", tmpfsQueue.toString()).inheritIO().start();
        if (umount.waitFor() != 0) {
          first = keep(first, new IllegalStateException("umount -l " + tmpfsQueue + " exited " + umount.exitValue()));
        }
      } catch (IOException e) {
        first = keep(first, new UncheckedIOException(e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        first = keep(first, new IllegalStateException("interrupted while unmounting " + tmpfsQueue, e));
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private List<String> metadb(String... args) {
    List<String> cmd = new ArrayList<>(host.java("-jar", ContainerHost.DIST + "/metadb.jar"));
    cmd.addAll(List.of(args));
    cmd.add("--home");
    cmd.add(HOME);
    return cmd;
  }

  private RunningContainer start(String name, Pids pids, String... command) {
    GenericContainer<?> c =
        host.container()
            .withFileSystemBind(home.toString(), HOME, BindMode.READ_WRITE)
            .withFileSystemBind(control.toString(), CONTROL, BindMode.READ_ONLY)
            .withCommand(command);
    if (pids == Pids.HOST) {
      c.withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withPidMode("host"));
    }
    RunningContainer running = new RunningContainer(name, c);
    started.add(running);
    return running.start();
  }

  private static String quote(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  private static RuntimeException keep(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  /** How a one-shot container ended. */
  record Outcome(int exit, List<String> stdout, String stderr) {
    @Override
    public String toString() {
      return "exit " + exit + ", stdout " + stdout + ", stderr:\n" + stderr;
    }
  }
}
