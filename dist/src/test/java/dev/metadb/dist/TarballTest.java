package dev.metadb.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * metadb-VERSION.tar.gz as a user installs it: unpacked into a prefix, {@code bin/metadb} linked
 * into {@code ~/.local/bin}, run from elsewhere with only {@code PATH=/usr/bin:/bin} (as {@code env
 * -i} would leave it), and the shipped systemd unit, unmodified, verified and run.
 */
class TarballTest {
  private static final Pattern EVENT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final String MINIMAL_PATH = "/usr/bin:/bin";

  @TempDir static Path tmp;
  static Path install;
  static Path userHome;
  static Path linked;

  @BeforeAll
  static void unpackAndLink() throws Exception {
    Path tarball = Path.of(System.getProperty("metadb.tarball"));
    assertTrue(Files.isRegularFile(tarball), "mvn package makes " + tarball);
    Path prefix = Files.createDirectories(tmp.resolve("prefix/opt"));
    Proc.Result untar = Proc.run(List.of("tar", "-xzf", tarball.toString(), "-C", prefix.toString()),
        Map.of("PATH", MINIMAL_PATH), tmp, tmp.resolve("logs"));
    assertEquals(0, untar.exit(), untar.err());
    install = prefix.resolve("metadb-" + System.getProperty("metadb.version"));
    userHome = Files.createDirectories(tmp.resolve("user"));
    linked = Files.createDirectories(userHome.resolve(".local/bin")).resolve("metadb");
    Files.createSymbolicLink(linked, install.resolve("bin/metadb"));
  }

  private static Map<String, String> env(String... extra) {
    Map<String, String> env = new LinkedHashMap<>(Map.of("PATH", MINIMAL_PATH, "HOME", userHome.toString()));
    for (int i = 0; i < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return env;
  }

  @Test
  void holdsTheLauncherTheJarsTheFlagsTheUnitAndTheDocsAndNoSources() throws Exception {
    assertTrue(Files.isExecutable(install.resolve("bin/metadb")));
    for (String file : List.of("metadb.jar", "jvm.flags", "systemd/metadb-ingest.service", "docs/operations.md", "README.md")) {
      assertTrue(Files.isRegularFile(install.resolve(file)), file);
    }
    try (Stream<Path> jars = Files.list(install.resolve("lib-record"))) {
      assertTrue(jars.anyMatch(p -> p.getFileName().toString().startsWith("metadb-writer")), "lib-record/ has the writer");
    }
    assertTrue(Files.readString(install.resolve("jvm.flags")).contains("--add-opens=java.base/java.lang=ALL-UNNAMED"));
    assertFalse(Files.exists(install.resolve("pom.xml")));
    assertFalse(Files.exists(install.resolve("record.jsa")), "the CDS archive is made per machine, not shipped");
  }

  @Test
  void runsThroughASymlinkFromAnyDirectoryWithoutMaven() throws Exception {
    Path home = tmp.resolve("symlink-home");
    Path elsewhere = Files.createDirectories(tmp.resolve("some/other/dir"));
    Proc.Result record = Proc.run(List.of(linked.toString(), "record", "ticks", "--home", home.toString(), "--field", "source=tarball"),
        env(), elsewhere, tmp.resolve("logs"));
    assertEquals(0, record.exit(), record.err());
    assertTrue(EVENT_ID.matcher(record.out().strip()).matches(), record.out());
    assertFalse(record.err().contains("building"), "an install never builds: " + record.err());

    Proc.Result ingest = Proc.run(List.of("/usr/bin/env", "metadb", "ingest", "--once", "--home", home.toString()),
        env("PATH", userHome.resolve(".local/bin") + ":" + MINIMAL_PATH), Path.of("/"), tmp.resolve("logs"));
    assertEquals(0, ingest.exit(), ingest.err());
    assertTrue(ingest.out().contains("1 new rows"), ingest.out());
    assertEquals(1, rows(home, "ticks"));
  }

  @Test
  void theShippedUnitVerifiesAndItsExecStartIngestsAndStopsWithZeroOnSigterm() throws Exception {
    Map<String, Map<String, List<String>>> unit = SystemdUnit.parse(install.resolve("systemd/metadb-ingest.service"));
    Map<String, List<String>> service = unit.get("Service");
    assertEquals(List.of("SIGTERM"), service.get("KillSignal"));
    assertEquals(List.of("on-failure"), service.get("Restart"));
    assertEquals(List.of("2 3"), service.get("RestartPreventExitStatus"), "usage and newer-schema exits are not retried");
    assertEquals(List.of("default.target"), unit.get("Install").get("WantedBy"));

    Path analyze = Path.of("/usr/bin/systemd-analyze");
    if (Files.isExecutable(analyze)) {
      // %h is $HOME: the unit as shipped, for this prefix's user.
      Proc.Result verify = Proc.run(List.of(analyze.toString(), "verify", install.resolve("systemd/metadb-ingest.service").toString()),
          env(), userHome, tmp.resolve("logs"));
      assertEquals(0, verify.exit(), verify.out() + verify.err());
      assertEquals("", (verify.out() + verify.err()).strip());
    } else {
      System.err.println("SKIPPED systemd-analyze verify: systemd-analyze is not installed here (the unit is still run below)");
    }

    Map<String, String> env = env();
    for (String assignment : service.getOrDefault("Environment", List.of())) {
      int eq = assignment.indexOf('=');
      env.put(assignment.substring(0, eq), SystemdUnit.expand(assignment.substring(eq + 1), userHome));
    }
    Path home = Path.of(env.get("METADB_HOME"));
    assertEquals(userHome.resolve(".metadb"), home);
    List<String> execStart = new ArrayList<>();
    for (String word : service.get("ExecStart").get(0).split(" ")) {
      execStart.add(SystemdUnit.expand(word, userHome));
    }

    Proc.Result before = Proc.run(List.of(linked.toString(), "record", "ticks", "--field", "source=before"), env, userHome, tmp.resolve("logs"));
    assertEquals(0, before.exit(), before.err());
    try (Proc ingester = Proc.start(execStart, env, userHome, tmp.resolve("logs"))) {
      awaitRows(home, 1, ingester);
      Proc.Result during = Proc.run(List.of(linked.toString(), "record", "ticks", "--field", "source=during"), env, userHome, tmp.resolve("logs"));
      assertEquals(0, during.exit(), during.err());
      awaitRows(home, 2, ingester);
      ingester.terminate();
      Proc.Result stopped = ingester.await(Duration.ofSeconds(30));
      assertEquals(0, stopped.exit(), stopped.err());
      assertTrue(stopped.err().contains("stopped"), stopped.err());
    }
  }

  private static void awaitRows(Path home, long rows, Proc ingester) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (rows(home, "ticks") < rows) {
      assertTrue(ingester.alive(), "the ingester exited: " + ingester.err());
      assertTrue(System.nanoTime() < deadline, "no " + rows + " rows after 2 min: " + ingester.err());
      Thread.sleep(200);
    }
  }

  private static long rows(Path home, String table) throws Exception {
    Path db = home.resolve("meta.db");
    if (!Files.exists(db)) {
      return 0;
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
        Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = '" + table + "'")) {
        if (!r.next() || r.getLong(1) == 0) {
          return 0;
        }
      }
      try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  /** The unit carries its Environment and ExecStart, and the launcher refuses nothing there. */
  @Test
  void execStartNeedsNothingButTheInstallAndJava() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/java")) || Files.isExecutable(Path.of("/bin/java")),
        "java is on the minimal PATH");
    Proc.Result version = Proc.run(List.of(linked.toString(), "--version"), env(), Path.of("/"), tmp.resolve("logs"));
    assertEquals(0, version.exit(), version.err());
    assertTrue(version.out().startsWith("metadb "), version.out());
  }
}
