package dev.metadb.command;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Tells whether nobody reads our stdout any more (the reader of a pipe exited: {@code metadb tail
 * -f | head} after head's last line), without writing to it.
 *
 * <p>The JVM ignores SIGPIPE; a write to a pipe without a reader fails with EPIPE, which {@code
 * PrintWriter} records for {@code checkError()}. That is enough while rows flow, but an idle
 * {@code tail -f} writes nothing and would wait for the next row. {@code poll(2)} on fd 1 with no
 * requested events reports POLLERR for the write end of a pipe whose read end is closed (Linux,
 * and the BSDs report POLLHUP). JNA is on metadb's classpath already (Chronicle's dependency);
 * where it cannot load libc, {@link #readerGone()} answers false and the next write notices.
 */
final class StdoutWatch {
  private static final int POLLERR = 0x8;
  private static final int POLLHUP = 0x10;

  /** libc's poll over one {@code struct pollfd} laid out as two ints: fd, then events | revents << 16. */
  private interface C extends Library {
    int poll(int[] fds, long nfds, int timeoutMillis);
  }

  private final C libc;

  StdoutWatch() {
    C loaded;
    try {
      loaded = Native.load("c", C.class);
    } catch (LinkageError | RuntimeException e) {
      loaded = null;
    }
    this.libc = loaded;
  }

  /** Whether stdout is a pipe whose reader has gone. */
  boolean readerGone() {
    if (libc == null) {
      return false;
    }
    int[] pollfd = {1, 0};
    int ready = libc.poll(pollfd, 1, 0);
    int revents = pollfd[1] >>> 16;
    return ready > 0 && (revents & (POLLERR | POLLHUP)) != 0;
  }
}
