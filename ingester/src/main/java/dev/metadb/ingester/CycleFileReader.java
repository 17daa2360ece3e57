package dev.metadb.ingester;

import dev.metadb.event.Envelope;
import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.InvalidEventException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Reads one Chronicle cycle file with plain positional reads and salvages what follows damage.
 * The framing is {@link CycleFileScan}'s; this reader walks it for the ingester once a slot is
 * damaged, where Chronicle's tailer would stop for good (a zero or incomplete header) or be sent
 * astray (a bad length).
 *
 * <p>SALVAGE RULES, at a document header H at byte P:
 *
 * <ol>
 *   <li>A data document whose payload decodes is an entry: its ordinal is its sequence number.
 *       Before the first damage ordinals equal Chronicle's sequence numbers, so a checkpoint index
 *       written while Chronicle read the slot names the same entry here.
 *   <li>Anything else that is not Chronicle metadata (H zero with bytes after it, H marked
 *       incomplete, a length past the file's end, a payload that does not decode) is damage. The
 *       reader scans forward from P + 4, four bytes at a time, for the next plausible data header
 *       (complete, payload inside the file, starting with '{' and ending with '}'). The bytes in
 *       between, stripped of the header and of trailing zero padding, become one item with the
 *       reason: when they decode (only the header was hurt) the entry is recovered; otherwise the
 *       caller spools them as undecodable. Bytes that are all zero hold nothing to spool: they are
 *       reported as a lost range.
 *   <li>A zero header followed only by zeros up to the end of the file is the end; so is
 *       END_OF_DATA and the end of the file.
 * </ol>
 *
 * <p>Nothing is written and nothing is mapped, so a truncated file cannot fault (see {@link
 * CycleFileScan}). Not thread-safe.
 */
final class CycleFileReader implements AutoCloseable {
  static final int NOT_COMPLETE = 0x80000000;
  static final int META_DATA = 0x40000000;
  static final int LENGTH_MASK = 0x3FFFFFFF;
  static final int END_OF_DATA = NOT_COMPLETE | META_DATA;
  /** A resync point claiming more than this is not believed (envelopes are far smaller). */
  private static final int MAX_PLAUSIBLE_LENGTH = 64 * 1024 * 1024;
  private static final int CHUNK = 1024 * 1024;

  /**
   * One item of the file.
   *
   * @param ordinal its sequence number in the cycle
   * @param position the byte offset of its header
   * @param envelope the decoded event, or null
   * @param raw the bytes that did not decode (envelope null)
   * @param reason why {@code raw} did not decode, or what damage an envelope was recovered from;
   *     null for a sound entry
   * @param damaged whether the framing was damaged here (not just an entry that does not decode)
   * @param bytes how many bytes of the file the item's content spans (its encoded size)
   */
  record Item(long ordinal, long position, Envelope envelope, byte[] raw, String reason, boolean damaged, int bytes) {}

  private final Path file;
  private final FileChannel channel;
  private final Consumer<String> report;
  private final ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
  private long position;
  private long ordinal;

  /** Opens {@code file}; {@code report} receives one line per lost range. */
  CycleFileReader(Path file, Consumer<String> report) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    this.report = report;
  }

  /** The next item, or null at the end of the file's documents. */
  Item next() throws IOException {
    long size = channel.size();
    while (position + 4 <= size) {
      long at = position;
      int h = intAt(at);
      if (h == END_OF_DATA) {
        return null;
      }
      int length = h & LENGTH_MASK;
      if (h != 0 && (h & NOT_COMPLETE) == 0 && (h & META_DATA) != 0 && at + 4 + length <= size) {
        position = align4(at + 4 + length);
        continue;
      }
      if (h != 0 && (h & NOT_COMPLETE) == 0 && at + 4 + length <= size) {
        byte[] payload = read(at + 4, length);
        try {
          Envelope envelope = EnvelopeCodec.decode(payload);
          position = align4(at + 4 + length);
          return new Item(ordinal++, at, envelope, null, null, false, length);
        } catch (InvalidEventException e) {
          if (boundary(align4(at + 4 + length), size)) {
            position = align4(at + 4 + length);
            return new Item(ordinal++, at, null, payload, e.getMessage(), false, length);
          }
        }
      }
      String damage = h == 0 ? "a zero document header with data after it"
          : (h & NOT_COMPLETE) != 0 ? "a document left marked incomplete (0x" + Integer.toHexString(h) + ")"
          : at + 4 + length > size ? "a document length (" + length + " bytes) past the end of the file (" + size + " bytes): cut short or a damaged length"
          : "a document (" + length + " bytes) that is not an envelope: a damaged length or damaged bytes";
      Span span = nextPlausibleHeader(at + 4, size);
      long next = span.next();
      if (h == 0 && span.contentEnd() == at + 4 && next >= size) {
        return null;
      }
      byte[] region = read(at + 4, (int) Math.min(Integer.MAX_VALUE - 8, span.contentEnd() - at - 4));
      position = next;
      if (region.length == 0) {
        report.accept(where(at) + ": " + damage.replace(" with data after it", "") + ", then " + (next - at)
            + " zero bytes (zeroed, or cut short and extended) before " + (next < size ? "the next entry" : "the end of the file")
            + "; whatever was written there is lost");
        continue;
      }
      Envelope recovered = decode(region);
      String reason = where(at) + ": " + damage;
      return recovered != null
          ? new Item(ordinal++, at, recovered, null, reason + "; the entry after it decodes and is recovered", true, region.length)
          : new Item(ordinal++, at, null, region, reason + "; " + region.length + " bytes up to the next readable entry"
              + (next < size ? " at byte " + next : " (none: the end of the file)") + " cannot be decoded", true, region.length);
    }
    return null;
  }

  /** {@code 20261203F.cq4 byte 66784}: where damage is, in the operator's words. */
  String where(long at) {
    return file.getFileName() + " byte " + at;
  }

  /** The int32 header at {@code at}, 0 past the end of the file. */
  int intAt(long at) throws IOException {
    header.clear();
    while (header.hasRemaining()) {
      if (channel.read(header, at + header.position()) < 0) {
        return 0;
      }
    }
    return header.getInt(0);
  }

  /**
   * Whether a document may start at {@code at}: nothing written yet, the end-of-data mark, or a
   * header whose length fits the file. Four bytes of envelope text never pass (their length field
   * reads as hundreds of megabytes), so a length that sent the reader into the middle of an entry
   * fails here.
   */
  boolean boundary(long at) throws IOException {
    return boundary(at, channel.size());
  }

  private boolean boundary(long at, long size) throws IOException {
    if (at + 4 > size) {
      return true;
    }
    int h = intAt(at);
    int length = h & LENGTH_MASK;
    return h == 0 || h == END_OF_DATA || (length <= MAX_PLAUSIBLE_LENGTH && at + 4 + length <= size);
  }

  /** The byte offset of the first data document (after Chronicle's header and index documents). */
  long firstDataPosition() throws IOException {
    long at = 0;
    long size = channel.size();
    while (at + 4 <= size) {
      int h = intAt(at);
      if (h == 0 || h == END_OF_DATA || (h & NOT_COMPLETE) != 0 || (h & META_DATA) == 0) {
        return at;
      }
      at = align4(at + 4 + (h & LENGTH_MASK));
    }
    return at;
  }

  /**
   * Where scanning forward from {@code from} found the next plausible data header ({@code next},
   * the file's size when none) and the end of the last non-zero byte before it ({@code
   * contentEnd}, {@code from} when all are zero).
   */
  private record Span(long next, long contentEnd) {}

  private Span nextPlausibleHeader(long from, long size) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    long contentEnd = from;
    for (long base = align4(from); base + 4 <= size; base += CHUNK) {
      chunk.clear();
      int n = 0;
      while (chunk.hasRemaining() && base + n < size) {
        int r = channel.read(chunk, base + n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      for (int i = 0; i + 4 <= n; i += 4) {
        int h = chunk.getInt(i);
        if (h == 0) {
          continue;
        }
        if (plausible(base + i, h, size)) {
          return new Span(base + i, contentEnd);
        }
        for (int b = 3; b >= 0; b--) {
          if (chunk.get(i + b) != 0) {
            contentEnd = Math.max(contentEnd, base + i + b + 1);
            break;
          }
        }
      }
    }
    return new Span(size, contentEnd);
  }

  private boolean plausible(long at, int h, long size) throws IOException {
    if ((h & (NOT_COMPLETE | META_DATA)) != 0 || h < 2 || h > MAX_PLAUSIBLE_LENGTH || at + 4 + h > size) {
      return false;
    }
    return read(at + 4, 1)[0] == '{' && read(at + 3 + h, 1)[0] == '}';
  }

  private byte[] read(long at, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, at + buffer.position()) < 0) {
        break;
      }
    }
    return buffer.position() == length ? buffer.array() : Arrays.copyOf(buffer.array(), buffer.position());
  }

  private static Envelope decode(byte[] payload) {
    try {
      return EnvelopeCodec.decode(payload);
    } catch (InvalidEventException e) {
      return null;
    }
  }

  static long align4(long position) {
    return (position + 3) & ~3L;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
