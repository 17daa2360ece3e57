package dev.metadb.event;

import java.util.Arrays;

/**
 * A reusable byte buffer that {@link EnvelopeCodec} writes one envelope's JSON into, by hand.
 *
 * <p>INVARIANT: the bytes are exactly those Jackson's UTF-8 generator wrote for the same calls
 * (jackson-core 2.18 defaults, which earlier queues, spools and inbox files were written with), so
 * a line's bytes, and the event id derived from them, do not depend on the metadb version:
 *
 * <ul>
 *   <li>{@code "} and {@code \} as {@code \"} and {@code \\}; U+0008, U+0009, U+000A, U+000C and
 *       U+000D as {@code \b \t \n \f \r}; every other character below U+0020 as <code>&#92;u00XX</code>
 *       (upper-case hex); U+007F as is;
 *   <li>every UTF-16 surrogate, paired or lone, as its own <code>&#92;uXXXX</code> escape (Jackson does not
 *       combine pairs into 4-byte UTF-8 by default), so no output is ever malformed UTF-8;
 *   <li>every other character as its UTF-8 bytes.
 * </ul>
 *
 * <p>Why by hand: creating a Jackson generator per envelope and its string writer were about a
 * tenth of a warm writer's CPU per event, and one buffer per thread allocates nothing per event.
 * Not thread-safe: one per thread.
 */
public final class EnvelopeBytes {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  /** For each ASCII character: 0 written as is, -1 as <code>&#92;u00XX</code>, else the letter after {@code \}. */
  private static final byte[] ESCAPES = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = -1;
    }
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\f'] = 'f';
    ESCAPES['\n'] = 'n';
    ESCAPES['\r'] = 'r';
  }

  private byte[] buf;
  private int size;

  public EnvelopeBytes() {
    this(1024);
  }

  EnvelopeBytes(int capacity) {
    buf = new byte[capacity];
  }

  /** The buffer; bytes {@code [0, size())} are the last envelope encoded into it. */
  public byte[] bytes() {
    return buf;
  }

  public int size() {
    return size;
  }

  void reset() {
    size = 0;
  }

  /** Room for {@code more} bytes at the end. */
  private void ensure(int more) {
    if (buf.length - size < more) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, Math.addExact(size, more)));
    }
  }

  void raw(char asciiChar) {
    ensure(1);
    buf[size++] = (byte) asciiChar;
  }

  /** {@code text}, known to be ASCII that needs no escape (field names, digits), as is. */
  void ascii(String text) {
    int n = text.length();
    ensure(n);
    text.getBytes(0, n, buf, size); // deprecated for its loss of the high byte, which ASCII has none of
    size += n;
  }

  void number(long value) {
    ascii(Long.toString(value));
  }

  /** {@link Timestamps#format}'s text of {@code instant} as a JSON string, without a String in between. */
  void timestamp(java.time.Instant instant) {
    ensure(Timestamps.WIDTH + 2);
    if (Timestamps.formatInto(instant, buf, size + 1)) {
      buf[size] = '"';
      size += Timestamps.WIDTH + 1;
      buf[size++] = '"';
    } else {
      string(Timestamps.format(instant));
    }
  }

  /** {@code text} as a quoted JSON string, escaped as the class comment says. */
  void string(String text) {
    int n = text.length();
    ensure(n + 2); // the common case, ASCII without escapes; anything longer grows below
    buf[size++] = '"';
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (c >= 0x80 || ESCAPES[c] != 0) {
        break;
      }
      buf[size++] = (byte) c;
      i++;
    }
    if (i < n) {
      escapedTail(text, i);
    }
    ensure(1);
    buf[size++] = '"';
  }

  /** The rest of {@code text} from {@code i}, at most six bytes per character. */
  private void escapedTail(String text, int i) {
    int n = text.length();
    ensure(Math.multiplyExact(n - i, 6) + 1);
    byte[] b = buf;
    int at = size;
    for (; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        byte escape = ESCAPES[c];
        if (escape == 0) {
          b[at++] = (byte) c;
        } else if (escape > 0) {
          b[at++] = '\\';
          b[at++] = escape;
        } else {
          at = unicodeEscape(b, at, c);
        }
      } else if (c < 0x800) {
        b[at++] = (byte) (0xC0 | (c >> 6));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        at = unicodeEscape(b, at, c);
      } else {
        b[at++] = (byte) (0xE0 | (c >> 12));
        b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[at++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    size = at;
  }

  private static int unicodeEscape(byte[] b, int at, char c) {
    b[at++] = '\\';
    b[at++] = 'u';
    b[at++] = HEX[(c >> 12) & 0xF];
    b[at++] = HEX[(c >> 8) & 0xF];
    b[at++] = HEX[(c >> 4) & 0xF];
    b[at++] = HEX[c & 0xF];
    return at;
  }
}
