package dev.metadb.writer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Small real filesystems for full-disk tests: {@code mount -t tmpfs -o size=N tmpfs DIR}, grown
 * later with {@code mount -o remount,size=M DIR}. Needs root (CI runs the tests as root). Shared
 * with other modules' tests through the writer's test-jar.
 */
public final class Tmpfs {
  private Tmpfs() {}

  /**
   * Null when tmpfs can be mounted here; otherwise why not. Probes with a real 64 KiB mount under
   * {@code scratch}.
   */
  public static String unavailableReason(Path scratch) throws IOException, InterruptedException {
    Path probe = Files.createDirectories(scratch.resolve("tmpfs-probe"));
    String error = run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.toString());
    if (error != null) {
      return "cannot mount a tmpfs (" + error + "); full-disk tests need root and mount(8)";
    }
    unmount(probe);
    Files.deleteIfExists(probe);
    return null;
  }

  /** Skips the calling test, saying why on stderr, unless tmpfs can be mounted here. */
  public static void assumeAvailable(Path scratch) throws IOException, InterruptedException {
    String reason = unavailableReason(scratch);
    if (reason != null) {
      System.err.println("SKIPPED full-filesystem test: " + reason);
    }
    Assumptions.assumeTrue(reason == null, reason);
  }

  /** Mounts a tmpfs of {@code size} (mount(8) syntax: 64k, 3m) at {@code dir}, mode 0700. */
  public static void mount(Path dir, String size) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    check(run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", dir.toString()), "mount " + dir);
  }

  /** Changes the size of the tmpfs at {@code dir}; files on it stay. */
  public static void resize(Path dir, String size) throws IOException, InterruptedException {
    check(run("mount", "-o", "remount,size=" + size, dir.toString()), "remount " + dir);
  }

  /** Unmounts {@code dir}, lazily if a process still has files open on it. */
  public static void unmount(Path dir) throws IOException, InterruptedException {
    if (run("umount", dir.toString()) != null) {
      check(run("umount", "-l", dir.toString()), "umount -l " + dir);
    }
  }

  /** Fills the filesystem holding {@code dir} to the last byte with a file named {@code name}. */
  public static Path fill(Path dir, String name) throws IOException {
    Path filler = dir.resolve(name);
    byte[] chunk = new byte[4096];
    try (var out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
        out.flush();
      }
    } catch (IOException full) {
      // No space left: the point. What fitted stays.
    }
    return filler;
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
