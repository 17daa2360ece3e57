package dev.metadb.writer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;

/**
 * The one way metadb creates and opens for writing the files in its home (locks, spool,
 * quarantine, snapshots, temporary files of exports and results).
 *
 * <p>INVARIANTS
 *
 * <ol>
 *   <li>A symbolic link is never followed: every open carries {@code NOFOLLOW_LINKS} (O_NOFOLLOW),
 *       so a link planted where metadb writes is refused with ELOOP instead of redirecting the
 *       write (and a truncation) to its target.
 *   <li>Only regular files are opened: a FIFO or device planted at a path is refused before the
 *       open (opening a FIFO for writing would block forever).
 *   <li>Files are created owner-only (0600), directories 0700: events hold message bodies and
 *       commands.
 *   <li>Lock files are never truncated: the holder's pid is written over the start of the file,
 *       padded to a fixed width, so readers trim it.
 * </ol>
 */
public final class PrivateFiles {
  public static final FileAttribute<Set<PosixFilePermission>> FILE_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  static final FileAttribute<Set<PosixFilePermission>> DIR_MODE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  /** Wide enough for any pid (a long), so a shorter pid never leaves digits of a longer one behind. */
  private static final int PID_WIDTH = 20;

  private PrivateFiles() {}

  /**
   * Opens {@code file} with {@code options} plus {@code NOFOLLOW_LINKS}, creating it 0600 when the
   * options say so. Refuses a symbolic link or anything but a regular file at {@code file}.
   */
  public static FileChannel open(Path file, OpenOption... options) throws IOException {
    refuseNonRegular(file);
    Set<OpenOption> set = new HashSet<>(Set.of(options));
    set.add(LinkOption.NOFOLLOW_LINKS);
    try {
      return FileChannel.open(file, set, FILE_MODE);
    } catch (FileSystemException e) {
      if (Files.isSymbolicLink(file)) {
        throw symlink(file);
      }
      throw e;
    }
  }

  /** Creates {@code file} empty and 0600 unless it exists; refuses a link or non-regular file. */
  public static void createIfMissing(Path file) throws IOException {
    try (FileChannel ignored = open(file, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
      // Created (or already there, untouched).
    }
  }

  /**
   * Writes this process's pid over the start of a lock file, padded to a fixed width: never
   * truncates, so a file that is not what it seems loses nothing past the pid's width.
   */
  public static void writePid(FileChannel lockFile) throws IOException {
    String pid = Long.toString(ProcessHandle.current().pid());
    String padded = pid + " ".repeat(PID_WIDTH - pid.length() - 1) + "\n";
    ByteBuffer bytes = ByteBuffer.wrap(padded.getBytes(StandardCharsets.US_ASCII));
    long at = 0;
    while (bytes.hasRemaining()) {
      at += lockFile.write(bytes, at);
    }
  }

  /** Throws when {@code path} is a symbolic link (for files another library opens, like SQLite's). */
  public static void refuseLink(Path path) throws FileSystemException {
    if (Files.isSymbolicLink(path)) {
      throw symlink(path);
    }
  }

  private static void refuseNonRegular(Path file) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException absent) {
      return;
    }
    if (attributes.isSymbolicLink()) {
      throw symlink(file);
    }
    if (!attributes.isRegularFile()) {
      throw new FileSystemException(file.toString(), null, "is not a regular file; metadb writes only regular files here: remove it");
    }
  }

  private static FileSystemException symlink(Path path) {
    return new FileSystemException(path.toString(), null, Home.LINK_REFUSED);
  }
}
