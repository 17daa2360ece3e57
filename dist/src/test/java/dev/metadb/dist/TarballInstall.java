package dev.metadb.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The packaged tarball unpacked as a user would, and what its launcher started. */
final class TarballInstall {
  private TarballInstall() {}

  /** Unpacks metadb-VERSION.tar.gz under {@code dir}/prefix; returns the install's root. */
  static Path unpack(Path dir) throws Exception {
    Path tarball = Path.of(System.getProperty("metadb.tarball"));
    Path prefix = Files.createDirectories(dir.resolve("prefix"));
    Proc.Result untar = Proc.run(List.of("tar", "-xzf", tarball.toString(), "-C", prefix.toString()),
        Map.of("PATH", "/usr/bin:/bin"), dir, dir.resolve("logs"));
    assertEquals(0, untar.exit(), untar.err());
    return prefix.resolve("metadb-" + System.getProperty("metadb.version"));
  }

  /**
   * The command line of {@code process} once bin/metadb has exec'd the JVM (same PID), words
   * joined by spaces; what it was when the process ended if that came first.
   */
  static String cmdlineOnceJava(Proc process) throws IOException, InterruptedException {
    Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
    String seen = "";
    for (int i = 0; i < 3000 && process.alive(); i++) {
      try {
        seen = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ').trim();
      } catch (IOException gone) {
        break;
      }
      if (seen.contains("-jar")) {
        return seen;
      }
      Thread.sleep(10);
    }
    return seen;
  }
}
