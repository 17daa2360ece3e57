package dev.metadb.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.metadb.writer.Child;
import dev.metadb.writer.FileTrees;
import dev.metadb.writer.Home;
import dev.metadb.writer.Inbox;
import dev.metadb.writer.WriterChild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Homes that must not be used (a file, a path under a file, another user's, writable by others),
 * one of ours left readable, and symbolic links planted where metadb writes: real processes, real
 * files, real links; another user simulated by chown to {@code nobody} (the tests run as root).
 */
class HostileHomeTest {
  private static final Duration DONE = Duration.ofSeconds(120);
  private static final String TICK = "{\"source\":\"hostile\"}";

  @TempDir Path dir;

  /** Every subcommand, each as a user would run it against {@code home}. */
  private List<String[]> everySubcommand(Path home) {
    String h = home.toString();
    return List.of(
        new String[] {"record", "--home", h, "ticks", "--json", TICK},
        new String[] {"ingest", "--once", "--home", h},
        new String[] {"replay", "--home", h},
        new String[] {"query", "--home", h, "SELECT 1"},
        new String[] {"export", "--home", h, dir.resolve("export").toString()},
        new String[] {"status", "--home", h},
        new String[] {"demo", "--home", h});
  }

  private void assertEverySubcommandRefuses(Path home, String problem) throws Exception {
    for (String[] args : everySubcommand(home)) {
      CommandRun run = CommandRun.of(args);
      String what = String.join(" ", args) + " -> " + run.exit() + "\n" + run.err();
      assertEquals(2, run.exit(), what);
      List<String> lines = run.err().lines().filter(l -> !l.isBlank()).toList();
      assertEquals(1, lines.size(), what);
      assertTrue(lines.get(0).contains(home.toString()) && lines.get(0).contains(problem), what);
    }
  }

  @Test
  void aRegularFileOrAPathUnderOneIsRefusedByEverySubcommand() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertEverySubcommandRefuses(file, "not a directory");
    assertEquals("x", Files.readString(file));
    assertEverySubcommandRefuses(file.resolve("home"), "is not a directory");
  }

  @Test
  void theEnvironmentVariableIsCheckedLikeTheOption() throws Exception {
    Path file = Files.writeString(dir.resolve("env-file"), "x");
    try (Child status = Child.start(Main.class, Map.of(Home.ENV, file.toString()), "status")) {
      assertEquals(2, status.await(DONE), status.err().toString());
      assertEquals(1, status.err().size(), status.err().toString());
      assertTrue(status.err().get(0).contains(file + ": is a regular file, not a directory"), status.err().toString());
    }
  }

  @Test
  void aHomeOfAnotherUserOrWritableByOthersIsRefused() throws Exception {
    Path open = Files.createDirectory(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertEverySubcommandRefuses(open, "writable by other users");
    assertTrue(CommandRun.of("status", "--home", open.toString()).err().contains("chmod 700 " + open));
    try (Stream<Path> inside = Files.list(open)) {
      assertEquals(0, inside.count(), "nothing may be created in a refused home");
    }

    assumeTrue("root".equals(System.getProperty("user.name")), "chown to another user needs root");
    Path theirs = Files.createDirectory(dir.resolve("theirs"));
    Files.setPosixFilePermissions(theirs, PosixFilePermissions.fromString("rwx------"));
    UserPrincipal nobody = theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    Files.setOwner(theirs, nobody);
    assertEverySubcommandRefuses(theirs, "belongs to uid");
  }

  @Test
  void ourHomeLeftReadableIsTightenedSayingSoOnce() throws Exception {
    Path home = Files.createDirectory(dir.resolve("readable"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    try (Child first = Child.start(Main.class, "record", "--home", home.toString(), "ticks", "--json", TICK)) {
      assertEquals(0, first.await(DONE), first.err().toString());
      assertEquals(1, first.err().stream().filter(l -> l.contains(home + " was readable by other users")).count(), first.err().toString());
    }
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
    try (Child again = Child.start(Main.class, "record", "--home", home.toString(), "ticks", "--json", TICK)) {
      assertEquals(0, again.await(DONE), again.err().toString());
      assertFalse(again.err().toString().contains("owner-only"), again.err().toString());
    }
  }

  @Test
  void everyFileMetadbCreatesIsOwnerOnly() throws Exception {
    Path home = dir.resolve("fresh");
    String h = home.toString();
    Files.createDirectories(home.resolve("spool-src"));
    assertEquals(0, run("record", "--home", h, "ticks", "--json", TICK));
    assertEquals(0, run("ingest", "--once", "--home", h));
    assertEquals(0, run("query", "--home", h, "SELECT count(*) FROM ticks"));
    Path spool = home.resolve("spool-src").resolve("meta-db-errors-2026-01-01.jsonl");
    Files.writeString(spool, "{\"table\":\"ticks\",\"data\":{\"source\":\"s\"}}\nnot json\n");
    run("replay", "--home", h, "--spool", spool.toString());
    Files.delete(spool);
    Files.delete(home.resolve("spool-src"));
    List<String> loose = new ArrayList<>();
    try (Stream<Path> all = Files.walk(home)) {
      for (Path p : all.toList()) {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        String text = PosixFilePermissions.toString(mode);
        if (!text.endsWith("------")) {
          loose.add(home.relativize(p) + " " + text);
        }
      }
    }
    assertTrue(Files.exists(home.resolve("meta.db")));
    assertTrue(loose.isEmpty(), "readable by others: " + loose);
  }

  @Test
  void linksPlantedWhereMetadbWritesAreNeverFollowed() throws Exception {
    Path home = dir.resolve("linked");
    String h = home.toString();
    assertEquals(0, run("record", "--home", h, "ticks", "--json", TICK));
    assertEquals(0, run("ingest", "--once", "--home", h));
    Path victim = Files.writeString(dir.resolve("victim"), "precious\n");

    // Lock files of the home: refused up front, target untouched.
    for (String entry : List.of("ingest.lock", "replay.lock", "meta.db-wal", "meta.db-shm")) {
      Files.deleteIfExists(home.resolve(entry));
      Files.createSymbolicLink(home.resolve(entry), victim);
      for (String[] args : List.of(
          new String[] {"ingest", "--once", "--home", h}, new String[] {"replay", "--home", h}, new String[] {"status", "--home", h})) {
        CommandRun run = CommandRun.of(args);
        assertEquals(2, run.exit(), entry + ": " + String.join(" ", args) + "\n" + run.err());
        assertTrue(run.err().contains(entry) && run.err().contains("symbolic link"), run.err());
      }
      Files.delete(home.resolve(entry));
    }
    assertEquals("precious\n", Files.readString(victim));

    // A writer slot's lock (the Java library's queue): that slot is skipped (reported), the event
    // still queued in another.
    Home.createPrivateDirectories(home.resolve("queue"));
    Files.createSymbolicLink(home.resolve("queue/slot-00.lock"), victim);
    try (Child writer = Child.start(WriterChild.class, h, "1")) {
      assertEquals(0, writer.await(DONE), writer.err().toString());
      assertEquals(1, writer.err().size(), writer.err().toString());
      assertTrue(writer.err().get(0).contains("slot-00.lock is a symbolic link"), writer.err().toString());
    }
    assertTrue(Files.isDirectory(home.resolve("queue/slot-01")), "the next slot took the event");
    assertEquals("precious\n", Files.readString(victim));

    // The inbox file `metadb record` appends to: refused, the event goes to the spool; the spool
    // file too: refused, reported, not recorded (exit 1). The target is never touched.
    Path inboxFile = new Home(home).inboxFile(Inbox.CLI_SOURCE, LocalDate.now(ZoneOffset.UTC));
    Files.delete(inboxFile);
    Files.createSymbolicLink(inboxFile, victim);
    CommandRun spooled = CommandRun.of("record", "--home", h, "ticks", "--json", TICK);
    assertEquals(0, spooled.exit(), spooled.err());
    assertTrue(spooled.err().contains("spooled for replay") && spooled.err().contains("symbolic link"), spooled.err());
    Path spool = new Home(home).spoolFileToday();
    Files.delete(spool);
    Files.createSymbolicLink(spool, victim);
    CommandRun failed = CommandRun.of("record", "--home", h, "ticks", "--json", TICK);
    assertEquals(1, failed.exit(), failed.err());
    assertTrue(failed.err().contains("NOT recorded") && failed.err().contains("symbolic link"), failed.err());
    assertEquals("precious\n", Files.readString(victim));
    Files.delete(spool);
    Files.delete(inboxFile);

    // A table's snapshot lock and a snapshot directory.
    assertEquals(0, run("ingest", "--once", "--home", h));
    Path snapshots = home.resolve("snapshots");
    Files.createDirectories(snapshots);
    Files.deleteIfExists(snapshots.resolve("ticks.lock"));
    Files.createSymbolicLink(snapshots.resolve("ticks.lock"), victim);
    // The query still answers, from meta.db directly, saying why.
    CommandRun query = CommandRun.of("query", "--home", h, "SELECT count(*) FROM ticks");
    assertEquals(0, query.exit(), query.err());
    assertTrue(query.out().contains("2"), query.out());
    assertTrue(query.err().contains("ticks.lock: is a symbolic link"), query.err());
    Files.delete(snapshots.resolve("ticks.lock"));
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    FileTrees.delete(snapshots.resolve("ticks"));
    Files.createSymbolicLink(snapshots.resolve("ticks"), elsewhere);
    CommandRun viaDir = CommandRun.of("query", "--home", h, "SELECT count(*) FROM ticks");
    assertEquals(0, viaDir.exit(), viaDir.err());
    assertTrue(viaDir.err().contains("ticks: is a symbolic link"), viaDir.err());
    try (Stream<Path> inside = Files.list(elsewhere)) {
      assertEquals(0, inside.count(), "nothing written through a linked directory");
    }
    assertEquals("precious\n", Files.readString(victim));
  }

  private static int run(String... args) {
    CommandRun run = CommandRun.of(args);
    assertTrue(run.exit() == 0 || args[0].equals("replay"), String.join(" ", args) + "\n" + run.err());
    return run.exit();
  }

}
