package dev.metadb.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Small real filesystems for disk-full faults: {@code mount -t tmpfs -o size=N tmpfs DIR}, grown
 * later with {@code mount -o remount,size=M DIR}. Needs root (CI runs the suite as root).
 */
final class Tmpfs {
  private Tmpfs() {}

  /**
   * Null when tmpfs can be mounted here; otherwise why not (the test then skips, printing it).
   * Probes with a real 64 KiB mount under {@code scratch}.
   */
  static String unavailableReason(Path scratch) throws IOException, InterruptedException {
    Path probe = Files.createDirectories(scratch.resolve("tmpfs-probe"));
    String error = run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.toString());
    if (error != null) {
      return "cannot mount a tmpfs (" + error + "); disk-full faults need root and mount(8)";
    }
    unmount(probe);
    Files.deleteIfExists(probe);
    return null;
  }

  static void mount(Path dir, String size) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    check(run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", dir.toString()), "mount " + dir);
  }

  /** Changes the size of the tmpfs at {@code dir}; files on it stay. */
  static void resize(Path dir, String size) throws IOException, InterruptedException {
    check(run("mount", "-o", "remount,size=" + size, dir.toString()), "remount " + dir);
  }

  /** Unmounts {@code dir}, lazily if a process still has files open on it. */
  static void unmount(Path dir) throws IOException, InterruptedException {
    if (run("umount", dir.toString()) != null) {
      check(run("umount", "-l", dir.toString()), "umount -l " + dir);
    }
  }

  private static void check(String error, String what) {
    if (error != null) {
      throw new IllegalStateException(what + ": " + error);
    }
  }

  /** Runs a command; null on exit 0, else its output and exit code. */
  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return String.join(" ", command) + " timed out";
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    return p.exitValue() == 0 ? null : String.join(" ", command) + " exited " + p.exitValue() + ": " + output;
  }
}
