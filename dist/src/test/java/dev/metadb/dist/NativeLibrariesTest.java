package dev.metadb.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed tarball's native libraries (command/src/build/natives.xml): DuckDB's and
 * sqlite-jdbc's are unpacked once, into the install's {@code lib/}, and loaded from there, so a
 * {@code metadb query} writes nothing into {@code java.io.tmpdir}: not on a normal run, not on a
 * second run, and not when killed with SIGKILL while it holds DuckDB open.
 */
class NativeLibrariesTest {
  private static final String MINIMAL_PATH = "/usr/bin:/bin";
  private static final String DUCKDB_LIB = "libduckdb_java.so_linux_amd64";

  @TempDir static Path tmp;
  static Path install;
  static Path home;

  @BeforeAll
  static void installAndRecord() throws Exception {
    install = TarballInstall.unpack(tmp);
    assertFalse(Files.exists(install.resolve("query.jsa")), "the query's CDS archive is made per machine, not shipped");
    home = tmp.resolve("home");
    Path empty = Files.createDirectories(tmp.resolve("setup-tmp"));
    for (List<String> args : List.of(List.of("record", "ticks", "--field", "source=natives"), List.of("ingest", "--once"))) {
      Proc.Result r = metadb(args, empty);
      assertEquals(0, r.exit(), r.err());
    }
  }

  private static Map<String, String> env(Path javaTmp) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", MINIMAL_PATH);
    env.put("HOME", tmp.toString());
    env.put("TMPDIR", javaTmp.toString());
    env.put("METADB_HOME", home.toString());
    env.put("METADB_JAVA_OPTS", "-Djava.io.tmpdir=" + javaTmp);
    return env;
  }

  private static Proc.Result metadb(List<String> args, Path javaTmp) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(install.resolve("bin/metadb").toString()));
    command.addAll(args);
    return Proc.run(command, env(javaTmp), tmp, tmp.resolve("logs"));
  }

  @Test
  void theInstallCarriesDuckdbsLibraryBesideItsJarAndNotInIt() throws Exception {
    Path lib = install.resolve("lib");
    assertTrue(Files.isRegularFile(lib.resolve(DUCKDB_LIB)), "lib/" + DUCKDB_LIB);
    assertTrue(Files.isRegularFile(lib.resolve("libsqlitejdbc.so")), "lib/libsqlitejdbc.so");
    try (Stream<Path> jars = Files.list(lib)) {
      Path duckJar = jars.filter(p -> p.getFileName().toString().startsWith("duckdb_jdbc-")).findFirst().orElseThrow();
      try (ZipFile zip = new ZipFile(duckJar.toFile())) {
        assertEquals(null, zip.getEntry(DUCKDB_LIB), "the jar no longer holds the library it would copy out");
      }
    }
  }

  @Test
  void twoQueriesLeaveNothingInTmpdirAndDoNotRewriteTheLibrary() throws Exception {
    Path javaTmp = Files.createDirectories(tmp.resolve("two-runs-tmp"));
    Path lib = install.resolve("lib").resolve(DUCKDB_LIB);
    BasicFileAttributes before = Files.readAttributes(lib, BasicFileAttributes.class);
    for (int run = 1; run <= 2; run++) {
      Proc.Result r = metadb(List.of("query", "--format", "csv", "SELECT count(*) AS n FROM ticks"), javaTmp);
      assertEquals(0, r.exit(), r.err());
      assertTrue(r.out().contains("1"), r.out());
      assertEquals(List.of(), list(javaTmp), "java.io.tmpdir after run " + run);
    }
    BasicFileAttributes after = Files.readAttributes(lib, BasicFileAttributes.class);
    assertEquals(before.fileKey(), after.fileKey(), "the same file (inode), not a new copy");
    assertEquals(before.lastModifiedTime(), after.lastModifiedTime(), "never rewritten");
  }

  @Test
  void aQueryKilledWithSigkillWhileHoldingDuckdbLeavesNothingInTmpdir() throws Exception {
    Path javaTmp = Files.createDirectories(tmp.resolve("killed-tmp"));
    List<String> command = List.of(install.resolve("bin/metadb").toString(), "query",
        "SELECT count(*) FROM range(100000000000) a");
    try (Proc query = Proc.start(command, env(javaTmp), tmp, tmp.resolve("logs"))) {
      Path maps = Path.of("/proc/" + query.pid() + "/maps");
      long deadline = System.nanoTime() + 120_000_000_000L;
      String mapped = "";
      while (!mapped.contains(DUCKDB_LIB)) {
        assertTrue(query.alive(), "the query ended before DuckDB was loaded: " + query.err());
        assertTrue(System.nanoTime() < deadline, "DuckDB not loaded within 2 min");
        Thread.sleep(20);
        mapped = Files.readString(maps);
      }
      new ProcessBuilder("kill", "-9", Long.toString(query.pid())).start().waitFor();
      assertEquals(137, query.await(java.time.Duration.ofSeconds(30)).exit());
      assertTrue(mapped.contains(install.resolve("lib").resolve(DUCKDB_LIB).toRealPath().toString()),
          "DuckDB's library was mapped from the install's lib/");
    }
    assertEquals(List.of(), list(javaTmp), "java.io.tmpdir after a SIGKILL");
  }

  private static List<String> list(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
