package dev.metadb.ingester;

import dev.metadb.event.EnvelopeCodec;
import dev.metadb.event.InvalidEventException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one Chronicle cycle file from start to end with plain positional reads, checking its
 * framing and decoding every entry, for {@code metadb verify}.
 *
 * <p>WHY NOT CHRONICLE. Chronicle reads through a memory map over the whole (sparse, pre-sized)
 * file; on a truncated file the first touch past its end raises SIGBUS, which the JVM turns into
 * an {@code InternalError} in unrelated code (seen here: {@code lastIndex()} of a cut file). A
 * damaged length header sends Chronicle's tailer past the end the same way, or it silently stops
 * early. A {@link FileChannel} opened READ only cannot fault, cannot write, and reports exactly
 * where the framing breaks.
 *
 * <p>FRAMING (Chronicle Queue's wire documents, as written by every metadb writer).
 *
 * <pre>
 *   at a 4-byte aligned position P:  int32 little-endian header H
 *     H == 0                  nothing written from here on: the end (the file is pre-sized, sparse)
 *     H & 0x80000000          NOT_COMPLETE: a document being written (or left by a killed writer);
 *                             0xC0000000 exactly is END_OF_DATA (the cycle was rolled)
 *     H & 0x40000000          META_DATA: Chronicle's header, index and padding documents
 *     H & 0x3FFFFFFF          the payload length L; the next header is at align4(P + 4 + L)
 *   every other document is one entry: L bytes of envelope JSON; its sequence number in the cycle
 *   is its ordinal among the entries (the queue index is cycle << 32 | sequence for FAST_DAILY)
 * </pre>
 *
 * <p>A sound file ends in a zero header or END_OF_DATA. A file that ends at a document boundary
 * without either, or inside a document, was cut short.
 */
final class CycleFileScan {
  private static final int NOT_COMPLETE = CycleFileReader.NOT_COMPLETE;
  private static final int META_DATA = CycleFileReader.META_DATA;
  private static final int LENGTH_MASK = CycleFileReader.LENGTH_MASK;
  private static final int END_OF_DATA = CycleFileReader.END_OF_DATA;
  /** At most this many bad entries are listed by number; the rest are counted. */
  private static final int MAX_LISTED = 5;

  /**
   * What the scan found.
   *
   * @param entries complete entries read (the next sequence number would be this)
   * @param undecodable entries that do not decode as an envelope the ingester accepts; the first
   *     few are described in {@code problems}
   * @param problems framing and decoding problems, in operator words, empty when sound
   * @param inProgress a document being written (or left half-written by a killed writer) at the end
   */
  record Result(long entries, long undecodable, List<String> problems, boolean inProgress) {
    /** Entries with a sequence number greater than {@code sequence}. */
    long countAfter(long sequence) {
      return Math.max(0, entries - sequence - 1);
    }
  }

  private CycleFileScan() {}

  static Result scan(Path file) throws IOException {
    List<String> problems = new ArrayList<>();
    long entries = 0;
    long undecodable = 0;
    boolean inProgress = false;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      long position = 0;
      while (true) {
        if (position + 4 > size) {
          problems.add("the file ends at byte " + size + " after entry " + entries
              + " without Chronicle's end marker: it was cut short (truncated); entries written after that point are lost");
          break;
        }
        header.clear();
        readFully(channel, header, position);
        int h = header.getInt(0);
        if (h == 0) {
          break;
        }
        if (h == END_OF_DATA) {
          break;
        }
        int length = h & LENGTH_MASK;
        long next = CycleFileReader.align4(position + 4 + length);
        if ((h & NOT_COMPLETE) != 0) {
          if (position + 4 + length <= size && isZero(channel, next, size)) {
            inProgress = true;
          } else {
            problems.add("byte " + position + " (after entry " + entries + "): a document marked incomplete is"
                + " followed by more data: the header is damaged; entries after it cannot be read");
          }
          break;
        }
        if (position + 4 + length > size) {
          problems.add("byte " + position + " (entry " + entries + "): the document claims " + length
              + " bytes but the file ends at byte " + size + ": the file was cut short (truncated) or the header is damaged");
          break;
        }
        if ((h & META_DATA) == 0) {
          byte[] payload = new byte[length];
          readFully(channel, ByteBuffer.wrap(payload), position + 4);
          try {
            EnvelopeCodec.decode(payload);
          } catch (InvalidEventException e) {
            undecodable++;
            if (undecodable <= MAX_LISTED) {
              problems.add("entry " + entries + " (byte " + position + ") is not an envelope the ingester accepts: "
                  + e.getMessage());
            }
          }
          entries++;
        }
        position = next;
      }
    }
    if (undecodable > MAX_LISTED) {
      problems.add((undecodable - MAX_LISTED) + " more entries do not decode");
    }
    return new Result(entries, undecodable, List.copyOf(problems), inProgress);
  }

  /** Whether the 4 bytes at {@code position} are zero (or the file ends there). */
  private static boolean isZero(FileChannel channel, long position, long size) throws IOException {
    if (position + 4 > size) {
      return true;
    }
    ByteBuffer next = ByteBuffer.allocate(4);
    readFully(channel, next, position);
    return next.getInt(0) == 0;
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + at);
      }
      at += n;
    }
  }
}
