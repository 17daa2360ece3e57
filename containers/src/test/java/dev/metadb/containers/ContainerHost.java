package dev.metadb.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * What every container of these tests runs on: the Docker engine, the local base image, and the
 * read-only bind mounts that put a JDK and metadb into it.
 *
 * <pre>
 * image   metadb-base:bookworm     Debian minbase, built offline by .ci/docker-setup; never pulled
 * mounts  JAVA_HOME        -> /opt/jdk        (this JVM's own java.home, read-only)
 *         its config dirs  -> same path       (Debian's JDK links conf files to /etc/java-17-openjdk)
 *         metadb.dist      -> /opt/metadb     (command/target/metadb: metadb.jar, lib/, jvm.flags)
 *         test classes     -> /opt/tests      (ContainerWriter)
 * network none
 * </pre>
 *
 * <p>LEFTOVERS. Without Ryuk nothing reaps the containers of a test JVM that died: {@link #require}
 * removes this image's Testcontainers-labelled containers older than {@link #LEFTOVER_AGE}, far
 * longer than this module's whole run, so a concurrent run's containers are never touched.
 *
 * <p>SKIPPING. {@link #require} aborts the calling test (JUnit: skipped, never passed) and prints
 * the reason to stderr when no Docker engine answers or the base image is missing: the things
 * .ci/docker-setup provides and may fail to provide on a machine without Docker. A missing
 * metadb distribution is a build error, not a missing capability, and fails the test.
 */
final class ContainerHost {
  /** Made by .ci/docker-setup, which names it too. */
  static final String IMAGE = "metadb-base:bookworm";
  static final String JDK = "/opt/jdk";
  static final String DIST = "/opt/metadb";
  static final String TESTS = "/opt/tests";

  static final Duration LEFTOVER_AGE = Duration.ofMinutes(20);

  private static ContainerHost instance;

  final DockerClient client;
  final List<String> jvmFlags;
  private final Map<String, String> mounts;

  private ContainerHost(DockerClient client, List<String> jvmFlags, Map<String, String> mounts) {
    this.client = client;
    this.jvmFlags = jvmFlags;
    this.mounts = mounts;
  }

  /** The host, or the calling test aborted with the reason Docker cannot be used here. */
  static synchronized ContainerHost require() throws IOException {
    if (instance != null) {
      return instance;
    }
    Path dist = Path.of(System.getProperty("metadb.dist", "../command/target/metadb")).toAbsolutePath().normalize();
    Path flags = dist.resolve("jvm.flags");
    if (!Files.isRegularFile(dist.resolve("metadb.jar")) || !Files.isRegularFile(flags)) {
      throw new IllegalStateException(
          "no metadb distribution in " + dist + ": the container tests run in the integration-test phase, after"
              + " the command module is packaged (mvn verify)");
    }
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      skip("no Docker engine answers on this machine (.ci/docker-setup installs and starts one where it can)");
    }
    DockerClient client = DockerClientFactory.instance().client();
    try {
      client.inspectImageCmd(IMAGE).exec();
    } catch (NotFoundException e) {
      skip("the Docker engine has no image " + IMAGE + " (.ci/docker-setup builds it offline with debootstrap)");
    }
    removeLeftovers(client);
    Map<String, String> mounts = new LinkedHashMap<>();
    Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
    mounts.put(javaHome.toString(), JDK);
    for (Path dir : linkedConfigDirs(javaHome)) {
      mounts.put(dir.toString(), dir.toString());
    }
    mounts.put(dist.toString(), DIST);
    mounts.put(testClasses().toString(), TESTS);
    List<String> jvmFlags = Arrays.asList(Files.readString(flags).trim().split("\\s+"));
    instance = new ContainerHost(client, jvmFlags, mounts);
    return instance;
  }

  private static void removeLeftovers(DockerClient client) {
    long cutoff = Instant.now().minus(LEFTOVER_AGE).getEpochSecond();
    List<Container> old =
        client.listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(DockerClientFactory.TESTCONTAINERS_LABEL, "true"))
            .withAncestorFilter(List.of(IMAGE))
            .exec()
            .stream()
            .filter(c -> c.getCreated() != null && c.getCreated() < cutoff)
            .toList();
    for (Container c : old) {
      client.removeContainerCmd(c.getId()).withForce(true).exec();
    }
    if (!old.isEmpty()) {
      System.err.println("removed " + old.size() + " containers left over by a test run that died");
    }
  }

  private static void skip(String reason) {
    System.err.println("SKIPPED container tests: " + reason);
    Assumptions.abort(reason);
  }

  /**
   * A container of the base image with the JDK and metadb mounted, no network, no pull. It counts
   * as started once created and started: these tests judge a container by its exit code and
   * output, not by the IsRunning check, which a one-shot command would fail.
   */
  GenericContainer<?> container() {
    GenericContainer<?> c =
        new GenericContainer<>(DockerImageName.parse(IMAGE))
            .withImagePullPolicy(image -> false)
            .withNetworkMode("none")
            .withStartupCheckStrategy(new StartedIsEnough());
    mounts.forEach((host, inside) -> c.withFileSystemBind(host, inside, BindMode.READ_ONLY));
    return c;
  }

  /** {@code java} inside a container with metadb's JVM flags (the ones bin/metadb uses). */
  List<String> java(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(JDK + "/bin/java");
    cmd.addAll(jvmFlags);
    // A test runs several JVMs at once on a small machine: keep each small, single-GC-threaded and
    // quick to start (C1 only, as bin/metadb runs `record`).
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Xmx256m");
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * Directories outside java.home that its absolute symlinks point into (Debian keeps the JDK's
   * conf files and jvm.cfg in /etc/java-17-openjdk): mounted at the same path so the links resolve.
   */
  private static List<Path> linkedConfigDirs(Path javaHome) throws IOException {
    List<Path> dirs = new ArrayList<>();
    for (String sub : new String[] {"conf", "lib"}) {
      Path root = javaHome.resolve(sub);
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        for (Path link : files.filter(Files::isSymbolicLink).toList()) {
          Path target = Files.readSymbolicLink(link);
          if (target.isAbsolute() && !target.startsWith(javaHome) && Files.exists(target)) {
            Path dir = target.getParent();
            if (dirs.stream().noneMatch(dir::startsWith)) {
              dirs.removeIf(d -> d.startsWith(dir));
              dirs.add(dir);
            }
          }
        }
      }
    }
    return dirs;
  }

  private static Path testClasses() {
    try {
      return Path.of(ContainerWriter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class StartedIsEnough extends StartupCheckStrategy {
    @Override
    public StartupStatus checkStartupState(DockerClient client, String containerId) {
      return StartupStatus.SUCCESSFUL;
    }
  }
}
