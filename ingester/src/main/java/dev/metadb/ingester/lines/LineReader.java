package dev.metadb.ingester.lines;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Reads the complete lines of a JSONL file as bytes, from a byte offset, with positional reads
 * (the channel's own position is never used, so a writer appending meanwhile is harmless).
 *
 * <p>LINES. A line is the bytes up to and including the next {@code \n}. Its content is those
 * bytes without the {@code \n} and without one {@code \r} just before it (CRLF is tolerated).
 * Line {@code n} starts right after the {@code (n-1)}th {@code \n} of the file; numbers start at 1.
 *
 * <p>INVARIANTS
 *
 * <ol>
 *   <li>{@link #next()} returns only complete lines. Bytes after the last {@code \n} (a line a
 *       writer may still be appending, or a torn one) are never returned by it; {@link
 *       #pendingLength()} tells how many there are, and {@link #takeTrailing()} hands them out as
 *       a line when the caller knows nobody writes the file any more.
 *   <li>Memory is bounded by {@code maxLineBytes + 2} plus one read chunk: a line whose content is
 *       longer than {@code maxLineBytes} is skipped over without being held, and reported as
 *       {@link #oversized()} with its offsets, so the caller can copy it from the file. A buffer
 *       grown for a long line goes back to one chunk once what is left of it fits one: readers of
 *       many files (the ingester's inbox) do not each keep the largest line they ever saw.
 *   <li>The current line's bytes ({@link #buffer()}, {@link #contentOffset()}, {@link
 *       #contentLength()}) are a view valid only until the next call; callers copy what they keep.
 * </ol>
 */
public final class LineReader {
  private static final int CHUNK = 256 * 1024;

  private final FileChannel channel;
  private final int maxLineBytes;
  private final int initialSize;
  private byte[] buf;
  /** File offset of {@code buf[0]}. */
  private long bufStart;
  /** Start of the bytes not yet returned as a line. */
  private int pos;
  /** End of the bytes read into {@code buf}. */
  private int lim;
  private long nextNumber;

  private long number;
  private long start;
  private long end;
  private int contentOffset;
  private int contentLength;
  private boolean oversized;
  private boolean torn;

  /** Bytes of a line too long to hold that ended at end of file without a newline. */
  private long pendingOversized = -1;

  /**
   * @param startOffset where to start; must be 0 or just after a {@code \n}
   * @param startLineNumber the number of the line starting at {@code startOffset}
   * @param maxLineBytes the longest line content returned with its bytes
   */
  public LineReader(FileChannel channel, long startOffset, long startLineNumber, int maxLineBytes) {
    this.channel = channel;
    this.maxLineBytes = maxLineBytes;
    this.initialSize = Math.max(2, Math.min(CHUNK, maxLineBytes + 2));
    this.buf = new byte[initialSize];
    this.bufStart = startOffset;
    this.nextNumber = startLineNumber;
  }

  /** Counts the {@code \n} bytes in {@code [0, upTo)}: the number of the line at upTo, minus 1. */
  public static long countNewlines(FileChannel channel, long upTo) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
    byte[] bytes = chunk.array();
    long count = 0;
    long at = 0;
    while (at < upTo) {
      chunk.clear().limit((int) Math.min(bytes.length, upTo - at));
      int n = channel.read(chunk, at);
      if (n <= 0) {
        break;
      }
      for (int i = 0; i < n; i++) {
        if (bytes[i] == '\n') {
          count++;
        }
      }
      at += n;
    }
    return count;
  }

  /** Moves to the next complete line; false when only an incomplete line (or nothing) is left. */
  public boolean next() throws IOException {
    pendingOversized = -1;
    int scanFrom = pos;
    while (true) {
      int nl = indexOfNewline(scanFrom, lim);
      if (nl >= 0) {
        int length = nl - pos;
        if (length > 0 && buf[nl - 1] == '\r') {
          length--;
        }
        setLine(bufStart + pos, bufStart + nl + 1, pos, length, length > maxLineBytes, false);
        pos = nl + 1;
        return true;
      }
      if (lim - pos > maxLineBytes + 1) {
        return skipOversized();
      }
      scanFrom = lim - pos;
      compact();
      if (lim == buf.length) {
        byte[] bigger = new byte[(int) Math.min((long) buf.length * 2, (long) maxLineBytes + 2)];
        System.arraycopy(buf, 0, bigger, 0, lim);
        buf = bigger;
      }
      int n = channel.read(ByteBuffer.wrap(buf, lim, buf.length - lim), bufStart + lim);
      if (n <= 0) {
        return false;
      }
      lim += n;
    }
  }

  /** Reads on past a line too long to hold, keeping only its offsets. */
  private boolean skipOversized() throws IOException {
    long lineStart = bufStart + pos;
    bufStart += lim;
    pos = 0;
    lim = 0;
    while (true) {
      int n = channel.read(ByteBuffer.wrap(buf), bufStart);
      if (n <= 0) {
        pendingOversized = bufStart - lineStart;
        bufStart = lineStart;
        return false;
      }
      lim = n;
      int nl = indexOfNewline(0, lim);
      if (nl >= 0) {
        long lineEnd = bufStart + nl + 1;
        setLine(lineStart, lineEnd, 0, 0, true, false);
        pos = nl + 1;
        return true;
      }
      bufStart += lim;
      lim = 0;
    }
  }

  /** Bytes after the last complete line at the end of what {@link #next()} read; 0 if none. */
  public long pendingLength() {
    return pendingOversized >= 0 ? pendingOversized : lim - pos;
  }

  /** File offset just after the last complete line returned (where the pending bytes start). */
  public long completeUpTo() {
    return bufStart + (pendingOversized >= 0 ? 0 : pos);
  }

  /**
   * Makes the pending incomplete line the current one, marked {@link #torn()}. Only once {@link
   * #next()} returned false and {@link #pendingLength()} is positive.
   */
  public void takeTrailing() {
    if (pendingOversized >= 0) {
      setLine(bufStart, bufStart + pendingOversized, 0, 0, true, true);
      bufStart += pendingOversized;
      pendingOversized = -1;
    } else {
      int length = lim - pos;
      setLine(bufStart + pos, bufStart + lim, pos, length, length > maxLineBytes, true);
      pos = lim;
    }
  }

  private void setLine(long lineStart, long lineEnd, int offset, int length, boolean tooLong, boolean isTorn) {
    number = nextNumber++;
    start = lineStart;
    end = lineEnd;
    contentOffset = offset;
    contentLength = tooLong ? 0 : length;
    oversized = tooLong;
    torn = isTorn;
  }

  private void compact() {
    if (pos > 0) {
      System.arraycopy(buf, pos, buf, 0, lim - pos);
      bufStart += pos;
      lim -= pos;
      pos = 0;
    }
    if (buf.length > initialSize && lim < initialSize) {
      buf = Arrays.copyOf(buf, initialSize);
    }
  }

  private int indexOfNewline(int from, int to) {
    byte[] b = buf;
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** The current line's number, from 1. */
  public long number() {
    return number;
  }

  /** File offset of the current line's first byte. */
  public long start() {
    return start;
  }

  /** File offset just after the current line's {@code \n} (or after its last byte if torn). */
  public long end() {
    return end;
  }

  /** The array holding the current line's content (not when {@link #oversized()}). */
  public byte[] buffer() {
    return buf;
  }

  public int contentOffset() {
    return contentOffset;
  }

  /** Content length in bytes, without the line break; 0 when {@link #oversized()}. */
  public int contentLength() {
    return contentLength;
  }

  /** The line's content is longer than the limit; its bytes were not kept. */
  public boolean oversized() {
    return oversized;
  }

  /** The line has no {@code \n}: it is the trailing fragment handed out by {@link #takeTrailing()}. */
  public boolean torn() {
    return torn;
  }
}
