package dev.metadb.writer;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The home directory and every path in it. One place names the files, so every stage agrees.
 *
 * <pre>
 * HOME                       --home DIR, else $METADB_HOME, else ~/.metadb   (mode 0700)
 * HOME/queue/slot-NN/        one Chronicle queue per writer slot (FAST_DAILY cycles)
 * HOME/queue/slot-NN.lock    the slot's OS file lock, held by the one process appending to it
 * HOME/meta.db               SQLite, WAL
 * HOME/ingest.lock           held by the one running ingester; holds its pid as text
 * HOME/logs/meta-db-errors-YYYY-MM-DD.jsonl   error spool, UTC date
 * HOME/logs/replayed/        spool files fully replayed
 * HOME/logs/quarantine/      lines replay could not apply
 * HOME/snapshots/            Arrow IPC snapshots kept by query
 * HOME/inbox/SOURCE-YYYY-MM-DD.jsonl   JSON lines appended by any process, UTC date ({@link Inbox})
 * HOME/inbox/done/           inbox files the ingester has fully applied
 * </pre>
 *
 * <p>Directories are created owner-only (0700), files 0600 ({@link PrivateFiles}): events can hold
 * message bodies and commands. Nothing inside the home is reached through a symbolic link.
 *
 * <p>It also LISTS them: {@link #slotDirs()}, {@link #spoolFilesIn} and {@link #inboxFiles()} are
 * the listings of writer slots, spool files and inbox files that status, verify, hints and replay
 * use, so they see the same files in the same order as the ingester.
 */
public record Home(Path dir) {
  public static final String ENV = "METADB_HOME";
  public static final String SPOOL_PREFIX = "meta-db-errors-";
  public static final String SPOOL_SUFFIX = ".jsonl";
  static final String LINK_REFUSED = "is a symbolic link; metadb never follows links in its home: remove it";
  public static final String INBOX_SUFFIX = ".jsonl";
  /** A Chronicle cycle file's suffix ({@code 20261125F.cq4}). */
  public static final String CYCLE_FILE_SUFFIX = ".cq4";

  public Home {
    dir = dir.toAbsolutePath().normalize();
  }

  /** {@code explicit} if given, else {@code $METADB_HOME}, else {@code ~/.metadb}. */
  public static Home resolve(Path explicit) {
    if (explicit != null) {
      return new Home(explicit);
    }
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return new Home(Path.of(env));
    }
    return new Home(Path.of(System.getProperty("user.home"), ".metadb"));
  }

  public Path queueDir() {
    return dir.resolve("queue");
  }

  public Path slotDir(int slot) {
    return queueDir().resolve(slotName(slot));
  }

  /**
   * The mark the ingester leaves in a slot directory it found damaged ({@code
   * queue/slot-NN/RETIRED}, holding the reason): writers never claim that slot again, so nothing
   * is appended behind the damage. The directory is kept as evidence: a new directory of the same
   * name would look to the ingester like a replaced queue (its checkpoint names entries it lacks).
   */
  public static final String SLOT_RETIRED = "RETIRED";

  public Path slotLock(int slot) {
    return queueDir().resolve(slotName(slot) + ".lock");
  }

  /** {@code slot-07}: two digits up to 99, more beyond, so names sort by number up to the cap. */
  public static String slotName(int slot) {
    return (slot < 10 ? "slot-0" : "slot-") + slot;
  }

  /** The slot number of a {@code slot-NN} directory name, or -1 if it is not one. */
  public static int slotNumber(String name) {
    if (!name.startsWith("slot-") || name.endsWith(".lock")) {
      return -1;
    }
    try {
      return Integer.parseInt(name.substring(5));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The writer slots: the {@code queue/slot-NN} directories, in slot order; none when there is no
   * queue yet. A stray entry under a slot's name that is not a directory is not a slot.
   */
  public List<Path> slotDirs() throws IOException {
    return slotDirsIn(queueDir());
  }

  /** The slots of a queue directory, also one moved out of its home; see {@link #slotDirs()}. */
  public static List<Path> slotDirsIn(Path queueDir) throws IOException {
    if (!Files.isDirectory(queueDir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(queueDir)) {
      return list.filter(p -> slotNumber(p.getFileName().toString()) >= 0 && Files.isDirectory(p))
          .sorted(Comparator.comparingInt((Path p) -> slotNumber(p.getFileName().toString())))
          .toList();
    } catch (NoSuchFileException | NotDirectoryException gone) {
      return List.of(); // removed or replaced by a file since the check above: no slots now
    }
  }

  /** Whether a slot holds a cycle file yet: a writer creates the first on its first append. */
  public static boolean hasCycleFile(Path slotDir) throws IOException {
    try (Stream<Path> list = Files.list(slotDir)) {
      return list.anyMatch(p -> p.getFileName().toString().endsWith(CYCLE_FILE_SUFFIX));
    } catch (NoSuchFileException | NotDirectoryException gone) {
      return false; // removed, or its queue directory replaced, since it was listed
    }
  }

  public Path metaDb() {
    return dir.resolve("meta.db");
  }

  public Path ingestLock() {
    return dir.resolve("ingest.lock");
  }

  public Path logsDir() {
    return dir.resolve("logs");
  }

  public Path spoolFile(LocalDate utcDate) {
    return logsDir().resolve(SPOOL_PREFIX + utcDate + SPOOL_SUFFIX);
  }

  /** Today's spool file (UTC date). */
  public Path spoolFileToday() {
    return spoolFile(LocalDate.now(ZoneOffset.UTC));
  }

  /** The spool files in {@code logs/}, oldest first; none when there is no logs directory. */
  public List<Path> spoolFiles() throws IOException {
    return Files.isDirectory(logsDir()) ? spoolFilesIn(logsDir()) : List.of();
  }

  /**
   * The spool files directly in {@code dir} (regular files named {@code meta-db-errors-*.jsonl}),
   * oldest first: by name, which is by date, since names carry the UTC date as YYYY-MM-DD.
   */
  public static List<Path> spoolFilesIn(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> {
            String name = p.getFileName().toString();
            return name.startsWith(SPOOL_PREFIX) && name.endsWith(SPOOL_SUFFIX) && Files.isRegularFile(p);
          })
          .map(p -> p.toAbsolutePath().normalize())
          .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()))
          .toList();
    }
  }

  public Path replayedDir() {
    return logsDir().resolve("replayed");
  }

  public Path quarantineDir() {
    return logsDir().resolve("quarantine");
  }

  public Path snapshotsDir() {
    return dir.resolve("snapshots");
  }

  public Path inboxDir() {
    return dir.resolve("inbox");
  }

  /** {@code inbox/SOURCE-YYYY-MM-DD.jsonl}; {@code source} must match {@link Inbox#SOURCE_PATTERN}. */
  public Path inboxFile(String source, LocalDate utcDate) {
    return inboxDir().resolve(new Inbox.FileName(source, utcDate).toString());
  }

  /**
   * The inbox files the ingester reads: regular files (not links) directly in {@code inbox/} named
   * {@code SOURCE-YYYY-MM-DD.jsonl} ({@link Inbox.FileName}), by name; none without an inbox.
   */
  public List<Path> inboxFiles() throws IOException {
    if (!Files.isDirectory(inboxDir())) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(inboxDir())) {
      return list.filter(p -> Inbox.FileName.parse(p.getFileName().toString()).isPresent()
              && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .sorted()
          .toList();
    } catch (NoSuchFileException | NotDirectoryException gone) {
      return List.of();
    }
  }

  public Path inboxDoneDir() {
    return inboxDir().resolve("done");
  }

  /**
   * Creates {@code path} (0700) and its missing parents. {@code path} itself must not be a symbolic
   * link: every directory inside the home is made by this method, and metadb never follows a link
   * in its home. Existing parents are taken as they are. A file in the way is an error, never
   * replaced.
   */
  public static Path createPrivateDirectories(Path path) throws IOException {
    PrivateFiles.refuseLink(path);
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      return path;
    }
    Path parent = path.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      createPrivateDirectories(parent);
    }
    try {
      Files.createDirectory(path, PrivateFiles.DIR_MODE);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        throw new FileAlreadyExistsException(path.toString(), null, "exists and is not a directory");
      }
    }
    return path;
  }

  /**
   * Validates the home for use, creating it (0700) when missing: see {@link HomeCheck}. Every
   * subcommand and {@link MetaDb#open} call this before touching anything inside the home.
   *
   * @throws UnusableHomeException naming the path and what is wrong with it
   */
  public Home prepare() {
    HomeCheck.check(this, true);
    return this;
  }

  /** As {@link #prepare()}, but a missing home is left missing (for commands that only read). */
  public Home checkIfPresent() {
    HomeCheck.check(this, false);
    return this;
  }
}
