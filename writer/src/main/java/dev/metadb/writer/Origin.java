package dev.metadb.writer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an event was recorded: this machine's host name and this process's pid, as every envelope
 * metadb writes carries them. Read once per process; the class loads nothing of Chronicle's, so
 * the inbox path ({@link InboxRecorder}) can use it.
 */
public record Origin(String host, long pid) {
  private static final Origin SELF = new Origin(hostName(), ProcessHandle.current().pid());

  /** This process's origin. */
  public static Origin self() {
    return SELF;
  }

  /** This machine's host name (from the kernel; no DNS lookup on Linux). */
  private static String hostName() {
    try {
      String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException | RuntimeException notLinux) {
      // Fall through to the portable (but possibly DNS-consulting) lookup.
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
