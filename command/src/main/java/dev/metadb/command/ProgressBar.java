package dev.metadb.command;

import dev.metadb.replay.ReplayProgress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on a terminal's stderr, redrawn in place ({@code \r}) at most five times
 * a second, erased when the run ends so the summary starts on a clean line.
 */
final class ProgressBar implements ReplayProgress {
  private static final long REDRAW_NANOS = 200_000_000L;
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private long total;
  private long done;
  private long startedAt;
  private long drawnAt;

  ProgressBar(PrintWriter err) {
    this.err = err;
  }

  @Override
  public void start(long totalBytes) {
    total = Math.max(1, totalBytes);
    startedAt = System.nanoTime();
    draw();
  }

  @Override
  public void advance(long bytes) {
    done += bytes;
    if (System.nanoTime() - drawnAt >= REDRAW_NANOS) {
      draw();
    }
  }

  @Override
  public void finish() {
    err.print("\r" + " ".repeat(WIDTH + 50) + "\r");
    err.flush();
  }

  private void draw() {
    drawnAt = System.nanoTime();
    double fraction = Math.min(1.0, (double) done / total);
    int filled = (int) (fraction * WIDTH);
    double seconds = Math.max(1e-3, (drawnAt - startedAt) / 1e9);
    err.print(String.format(Locale.ROOT, "\rreplay [%s%s] %3d%%  %,d / %,d MiB  %.1f MiB/s",
        "#".repeat(filled), ".".repeat(WIDTH - filled), (int) (fraction * 100),
        done >> 20, total >> 20, done / seconds / (1 << 20)));
    err.flush();
  }
}
