package dev.metadb.event;

/**
 * A yes-or-unsure judge of "exactly one JSON value, whitespace around it" for JSON text columns,
 * without creating a Jackson parser (one per column value was a tenth of the ingester's decoding).
 *
 * <p>RULE: {@link #isOneValue} answers true only for text that strict RFC 8259 grammar accepts and
 * that stays far inside jackson-core's default limits (nesting depth, number and name length),
 * so whatever it accepts, the Jackson check would accept too. Anything else, valid or not, is
 * false, and the caller asks Jackson, whose verdict and message stand. It never rejects on its
 * own.
 */
final class PlainJson {
  /** Longest text judged here; names and numbers inside are then far below Jackson's limits. */
  static final int MAX_LENGTH = 16_384;
  private static final int MAX_DEPTH = 64;
  private static final int MAX_NUMBER_LENGTH = 64;

  private final String text;
  private int at;

  private PlainJson(String text) {
    this.text = text;
  }

  /** True when {@code text} is certainly one JSON value with only whitespace around it. */
  static boolean isOneValue(String text) {
    if (text.length() > MAX_LENGTH) {
      return false;
    }
    PlainJson scan = new PlainJson(text);
    scan.whitespace();
    if (!scan.value(0)) {
      return false;
    }
    scan.whitespace();
    return scan.at == text.length();
  }

  private boolean value(int depth) {
    if (at >= text.length() || depth > MAX_DEPTH) {
      return false;
    }
    char c = text.charAt(at);
    return switch (c) {
      case '{' -> object(depth + 1);
      case '[' -> array(depth + 1);
      case '"' -> string();
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> c == '-' || (c >= '0' && c <= '9') ? number() : false;
    };
  }

  private boolean object(int depth) {
    at++;
    whitespace();
    if (next('}')) {
      return true;
    }
    while (true) {
      if (at >= text.length() || text.charAt(at) != '"' || !string()) {
        return false;
      }
      whitespace();
      if (!next(':')) {
        return false;
      }
      whitespace();
      if (!value(depth)) {
        return false;
      }
      whitespace();
      if (next('}')) {
        return true;
      }
      if (!next(',')) {
        return false;
      }
      whitespace();
    }
  }

  private boolean array(int depth) {
    at++;
    whitespace();
    if (next(']')) {
      return true;
    }
    while (true) {
      if (!value(depth)) {
        return false;
      }
      whitespace();
      if (next(']')) {
        return true;
      }
      if (!next(',')) {
        return false;
      }
      whitespace();
    }
  }

  private boolean string() {
    at++;
    while (at < text.length()) {
      char c = text.charAt(at++);
      if (c == '"') {
        return true;
      }
      if (c < 0x20) {
        return false;
      }
      if (c == '\\') {
        if (at >= text.length()) {
          return false;
        }
        char e = text.charAt(at++);
        if (e == 'u') {
          int code = 0;
          for (int i = 0; i < 4; i++) {
            int digit = at < text.length() ? hex(text.charAt(at++)) : -1;
            if (digit < 0) {
              return false;
            }
            code = code * 16 + digit;
          }
          if (Character.isSurrogate((char) code)) {
            return false; // escaped surrogates: left to Jackson
          }
        } else if ("\"\\/bfnrt".indexOf(e) < 0) {
          return false;
        }
      }
    }
    return false;
  }

  private boolean number() {
    int start = at;
    next('-');
    if (next('0')) {
      // a leading zero stands alone
    } else if (!digits()) {
      return false;
    }
    if (next('.') && !digits()) {
      return false;
    }
    if (next('e') || next('E')) {
      if (!next('+')) {
        next('-');
      }
      if (!digits()) {
        return false;
      }
    }
    return at - start <= MAX_NUMBER_LENGTH;
  }

  /** One or more ASCII digits. */
  private boolean digits() {
    int start = at;
    while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
      at++;
    }
    return at > start;
  }

  /** The value of an ASCII hex digit, or -1. */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private boolean literal(String word) {
    if (!text.startsWith(word, at)) {
      return false;
    }
    at += word.length();
    return true;
  }

  private boolean next(char c) {
    if (at < text.length() && text.charAt(at) == c) {
      at++;
      return true;
    }
    return false;
  }

  private void whitespace() {
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      at++;
    }
  }
}
