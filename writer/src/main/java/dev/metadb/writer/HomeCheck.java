package dev.metadb.writer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a home may be used, decided once per process start, before anything inside it is
 * touched. The home holds every event (message bodies, commands), and files metadb opens there are
 * trusted to be its own, so:
 *
 * <ol>
 *   <li>It must be a directory (or be missing, and then it is created 0700 with its parents).
 *   <li>It must belong to the user metadb runs as: a home made by someone else (say {@code
 *       /tmp/metadb}) lets that user plant links or read events.
 *   <li>No one else may write to it (group or others write bit): they could replace any file in it.
 *   <li>No one else may read it: a home of ours left readable (a plain {@code mkdir}, 0755) is
 *       tightened to 0700, saying so on stderr (once: afterwards it is 0700).
 *   <li>No entry metadb keeps at the top of the home is a symbolic link (the files themselves are
 *       also opened with O_NOFOLLOW, {@link PrivateFiles}; this names the problem up front).
 * </ol>
 *
 * The home path itself may be a link (a user's {@code ~/.metadb -> /data/metadb}): its target is
 * what is checked. Each failure is one {@link UnusableHomeException} saying what is wrong and how
 * to fix it.
 */
final class HomeCheck {
  private static final Set<PosixFilePermission> OTHERS_WRITE =
      EnumSet.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
  private static final Set<PosixFilePermission> OTHERS_ANY = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
  /** Entries at the top of the home that metadb creates or writes. */
  private static final List<String> OWN_ENTRIES = List.of(
      "queue", "logs", "snapshots", "inbox", "meta.db", "meta.db-wal", "meta.db-shm", "meta.db-journal",
      "ingest.lock", "replay.lock");

  private HomeCheck() {}

  static void check(Home home, boolean create) {
    Path dir = home.dir();
    if (!Files.exists(dir)) {
      if (Files.isSymbolicLink(dir)) {
        throw new UnusableHomeException(dir, "is a symbolic link to nothing: point it at a directory, or name another home");
      }
      if (!create) {
        refuseUncreatable(dir);
        return;
      }
      try {
        Home.createPrivateDirectories(dir);
      } catch (IOException e) {
        throw new UnusableHomeException(dir, "cannot be created (" + reason(e) + "): name a directory you can create with --home or $" + Home.ENV);
      }
    }
    if (!Files.isDirectory(dir)) {
      String what = Files.isRegularFile(dir) ? "is a regular file" : "exists";
      throw new UnusableHomeException(dir, what + ", not a directory: name a directory (or a path to create) with --home or $" + Home.ENV);
    }
    int owner;
    Set<PosixFilePermission> mode;
    try {
      owner = (Integer) Files.getAttribute(dir, "unix:uid");
      mode = Files.getPosixFilePermissions(dir);
    } catch (IOException | UnsupportedOperationException e) {
      throw new UnusableHomeException(dir, "cannot read its owner and mode (" + reason(e) + ")");
    }
    long me = currentUid();
    if (owner != me) {
      throw new UnusableHomeException(dir, "belongs to uid " + owner + ", not to you (uid " + me
          + "): metadb keeps events only in a home you own; name one with --home or $" + Home.ENV);
    }
    if (!intersection(mode, OTHERS_WRITE).isEmpty()) {
      throw new UnusableHomeException(dir, "is writable by other users (mode " + PosixFilePermissions.toString(mode)
          + "); fix it with: chmod 700 " + dir);
    }
    if (!intersection(mode, OTHERS_ANY).isEmpty()) {
      tighten(dir, mode);
    }
    for (String name : OWN_ENTRIES) {
      Path entry = dir.resolve(name);
      if (Files.isSymbolicLink(entry)) {
        throw new UnusableHomeException(entry, Home.LINK_REFUSED);
      }
    }
  }

  /** A missing home left missing must still be one that could be made: its nearest existing ancestor is a directory. */
  private static void refuseUncreatable(Path dir) {
    for (Path up = dir.getParent(); up != null; up = up.getParent()) {
      if (Files.exists(up)) {
        if (!Files.isDirectory(up)) {
          throw new UnusableHomeException(dir, "cannot be created: " + up + " is not a directory; name a directory with --home or $" + Home.ENV);
        }
        return;
      }
    }
  }

  private static void tighten(Path dir, Set<PosixFilePermission> mode) {
    Set<PosixFilePermission> owner = EnumSet.copyOf(mode);
    owner.removeAll(OTHERS_ANY);
    try {
      Files.setPosixFilePermissions(dir, owner);
    } catch (IOException e) {
      throw new UnusableHomeException(dir, "is readable by other users (mode " + PosixFilePermissions.toString(mode)
          + ") and cannot be made owner-only (" + reason(e) + "); fix it with: chmod 700 " + dir);
    }
    System.err.println("metadb: home " + dir + " was readable by other users (mode " + PosixFilePermissions.toString(mode)
        + "); made it owner-only (" + PosixFilePermissions.toString(owner) + ")");
  }

  private static Set<PosixFilePermission> intersection(Set<PosixFilePermission> a, Set<PosixFilePermission> b) {
    Set<PosixFilePermission> both = EnumSet.noneOf(PosixFilePermission.class);
    both.addAll(a);
    both.retainAll(b);
    return both;
  }

  /** The uid metadb runs as (the owner of every file it creates). */
  private static long currentUid() {
    return new com.sun.security.auth.module.UnixSystem().getUid();
  }

  private static String reason(Exception e) {
    String message = e.getMessage();
    if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
      return fs.getReason();
    }
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
