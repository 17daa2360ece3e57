package dev.metadb.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/metadb in a checkout: it builds only what it runs ({@code mvn package -pl command -am},
 * never install), on the first run and again when a source or pom is newer than the jar, says so
 * in one stderr line, lets no colour escape through, and tells metadb how it was invoked. Maven
 * here is a stand-in that records its arguments and "builds" by copying the real packaged
 * command, so the test checks the launcher's decisions, not Maven.
 */
class LauncherTest {
  private static final Path CHECKOUT = Path.of(System.getProperty("metadb.checkout"));
  private static final String FAKE_MVN = """
      #!/bin/bash
      echo "$*" >> "$MVN_LOG"
      printf '\\033[0m\\033[0m'
      printf '\\033[0m\\033[0m' >&2
      if [[ -e FAIL ]]; then echo '[ERROR] the build broke' >&2; exit 1; fi
      mkdir -p command/target && rm -rf command/target/metadb
      cp -r "$REAL_DIST" command/target/metadb && rm -f command/target/metadb/record.jsa*
      touch command/target/metadb/metadb.jar
      """;

  @TempDir Path tmp;
  Path checkout;
  Path source;
  Path mvnLog;
  Map<String, String> env;

  @BeforeEach
  void fakeCheckout() throws Exception {
    checkout = Files.createDirectories(tmp.resolve("checkout"));
    Files.createDirectories(checkout.resolve("bin"));
    Files.copy(CHECKOUT.resolve("bin/metadb"), checkout.resolve("bin/metadb"));
    Files.writeString(checkout.resolve("pom.xml"), "<project/>\n");
    Files.createDirectories(checkout.resolve("command/src/main"));
    Files.writeString(checkout.resolve("command/pom.xml"), "<project/>\n");
    source = Files.createDirectories(checkout.resolve("writer/src/main/java")).resolve("A.java");
    Files.writeString(source, "class A {}\n");
    Files.setLastModifiedTime(source, FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
    Path bin = Files.createDirectories(tmp.resolve("fakebin"));
    Path mvn = bin.resolve("mvn");
    Files.writeString(mvn, FAKE_MVN);
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    mvnLog = tmp.resolve("mvn.log");
    env = Map.of("PATH", bin + ":/usr/bin:/bin", "HOME", tmp.toString(), "MVN_LOG", mvnLog.toString(),
        "REAL_DIST", CHECKOUT.resolve("command/target/metadb").toString());
  }

  private Proc.Result launch(String... args) throws Exception {
    return launch(Map.of(), args);
  }

  private Proc.Result launch(Map<String, String> moreEnv, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("bin/metadb"));
    command.addAll(List.of(args));
    Map<String, String> all = new java.util.HashMap<>(env);
    all.putAll(moreEnv);
    return Proc.run(command, all, checkout, tmp.resolve("logs"));
  }

  private List<String> mvnRuns() throws Exception {
    return Files.exists(mvnLog) ? Files.readAllLines(mvnLog) : List.of();
  }

  @Test
  void buildsOnFirstRunAndAfterASourceChangesAndOnlyThen() throws Exception {
    Proc.Result first = launch("--version");
    assertEquals(0, first.exit(), first.err());
    assertTrue(first.out().startsWith("metadb "), first.out());
    assertEquals("metadb: building the command module (first run; mvn package, about a minute) ...", first.err().strip());
    assertEquals(List.of("-q -B -Dstyle.color=never -DskipTests package -pl command -am"), mvnRuns());
    assertFalse(first.err().contains("\u001b") || first.out().contains("\u001b"), "no escape reaches a non-terminal");

    Proc.Result second = launch("--version");
    assertEquals(0, second.exit(), second.err());
    assertEquals("", second.err());
    assertEquals(1, mvnRuns().size(), "up to date: no build");

    Files.setLastModifiedTime(source, FileTime.from(Instant.now().plus(1, ChronoUnit.HOURS)));
    Proc.Result afterPull = launch("--version");
    assertEquals(0, afterPull.exit(), afterPull.err());
    assertEquals("metadb: building the command module (sources changed since the last build; mvn package, about a minute) ...",
        afterPull.err().strip());
    assertEquals(2, mvnRuns().size());
  }

  /**
   * {@code mvn package} run by hand leaves the record class archive older than the jars it was
   * made from, and a JVM silently refuses such an archive: the next record makes it again and
   * loads its classes from it.
   */
  @Test
  void recordRemakesItsClassArchiveWhenAJarIsNewer() throws Exception {
    String home = tmp.resolve("home").toString();
    Proc.Result first = launch("record", "ticks", "--field", "source=a", "--home", home);
    assertEquals(0, first.exit(), first.err());
    Path dist = checkout.resolve("command/target/metadb");
    Path jsa = dist.resolve("record.jsa");
    assertTrue(Files.isRegularFile(jsa), "the first record makes the archive");

    // What a later `mvn package` leaves: a jar newer than the archive, changed since it was made.
    Files.setLastModifiedTime(jsa, FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));
    Files.setLastModifiedTime(dist.resolve("lib-record/metadb-record.jar"), FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS)));
    Path classes = tmp.resolve("classes.log");
    Proc.Result again = launch(Map.of("METADB_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes),
        "record", "ticks", "--field", "source=b", "--home", home);
    assertEquals(0, again.exit(), again.err());
    assertTrue(Files.getLastModifiedTime(jsa).toInstant().isAfter(Instant.now().minus(10, ChronoUnit.MINUTES)),
        "the archive was made again");
    assertTrue(Files.readString(classes).contains("dev.metadb.command.RecordMain source: shared objects file"),
        "record loads its classes from the archive made again:\n" + Files.readString(classes).lines()
            .filter(l -> l.contains("RecordMain")).toList());
  }

  @Test
  void aFailedBuildSaysSoAndExitsOne() throws Exception {
    Files.writeString(checkout.resolve("FAIL"), "");
    Proc.Result r = launch("status");
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("[ERROR] the build broke"), r.err());
    assertTrue(r.err().strip().endsWith("metadb: the build failed (see Maven's output above)"), r.err());
    assertFalse(r.err().contains("\u001b"), r.err());
  }

  @Test
  void hintsNameTheCommandAsItWasTyped() throws Exception {
    Proc.Result r = launch("status", "--nope");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("hint: `bin/metadb status --help`"), r.err());
  }
}
