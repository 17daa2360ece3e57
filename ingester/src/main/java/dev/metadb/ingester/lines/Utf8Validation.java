package dev.metadb.ingester.lines;

/**
 * Strict UTF-8 validation over a byte range, without decoding or allocating.
 *
 * <p>Accepted: exactly the well-formed sequences of RFC 3629 (Unicode table 3-7). Refused:
 * stray continuation bytes, truncated sequences, overlong forms (C0, C1, E0 80..9F, F0 80..8F),
 * UTF-16 surrogates (ED A0..BF) and code points above U+10FFFF (F4 90.., F5..FF).
 *
 * <p>Why here and not left to the JSON parser: Jackson accepts some of these (surrogates,
 * overlongs inside strings) and would write them into SQLite as text that other readers choke
 * on. A spool line is checked before it is parsed, so such a line goes to quarantine instead.
 */
public final class Utf8Validation {
  private Utf8Validation() {}

  /** The index of the first byte that starts an ill-formed sequence, or -1 if all is well-formed. */
  public static int firstInvalidByte(byte[] bytes, int offset, int length) {
    int i = offset;
    int end = offset + length;
    while (i < end) {
      int b = bytes[i];
      if (b >= 0) {
        i++;
        continue;
      }
      b &= 0xFF;
      int need;
      int min2 = 0x80;
      int max2 = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0) {
          min2 = 0xA0;
        } else if (b == 0xED) {
          max2 = 0x9F;
        }
      } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0) {
          min2 = 0x90;
        } else if (b == 0xF4) {
          max2 = 0x8F;
        }
      } else {
        return i;
      }
      if (i + need >= end) {
        return i;
      }
      int second = bytes[i + 1] & 0xFF;
      if (second < min2 || second > max2) {
        return i;
      }
      for (int k = 2; k <= need; k++) {
        int next = bytes[i + k] & 0xFF;
        if (next < 0x80 || next > 0xBF) {
          return i;
        }
      }
      i += need + 1;
    }
    return -1;
  }
}
