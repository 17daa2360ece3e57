package dev.metadb.containers;

import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
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
 * docker volume     -> /metadb/queue            only after {@link #queueOnTmpfsVolume}: a size-
 *                                               limited tmpfs every container mounts
 * </pre>
 *
 * <p>{@link #close} removes every container it started (however it ended) and the volume, and
 * keeps the first error.
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
  private String queueVolume;
  private int writers;
  private int ingesters;

  Deployment(ContainerHost host, Path dir) throws IOException {
    this.host = host;
    this.home = Files.createDirectories(dir.resolve("home"));
    this.control = Files.createDirectories(dir.resolve("control"));
  }

  /** From now on every container mounts a fresh tmpfs volume of {@code size} (e.g. "2m") as the queue. */
  void queueOnTmpfsVolume(String size) {
    queueVolume = "metadb-queue-" + UUID.randomUUID();
    host.client
        .createVolumeCmd()
        .withName(queueVolume)
        .withDriver("local")
        .withDriverOpts(Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=" + size))
        .exec();
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
    if (queueVolume != null) {
      try {
        host.client.removeVolumeCmd(queueVolume).exec();
      } catch (RuntimeException e) {
        first = keep(first, e);
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
    String volume = queueVolume;
    c.withCreateContainerCmdModifier(
        cmd -> {
          if (pids == Pids.HOST) {
            cmd.getHostConfig().withPidMode("host");
          }
          if (volume != null) {
            cmd.getHostConfig()
                .withMounts(List.of(new Mount().withType(MountType.VOLUME).withSource(volume).withTarget(HOME + "/queue")));
          }
        });
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
