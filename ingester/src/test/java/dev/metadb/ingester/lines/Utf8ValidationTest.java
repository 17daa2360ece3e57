package dev.metadb.ingester.lines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8ValidationTest {
  @Test
  void agreesWithTheJdkStrictDecoderOnRandomBytes() {
    Random random = new Random(42);
    int invalid = 0;
    for (int round = 0; round < 200_000; round++) {
      byte[] bytes = new byte[1 + random.nextInt(8)];
      for (int i = 0; i < bytes.length; i++) {
        // bias towards the interesting lead and continuation bytes
        bytes[i] = (byte) (random.nextBoolean() ? 0x80 + random.nextInt(0x80) : random.nextInt(256));
      }
      boolean jdkValid = jdkValid(bytes);
      boolean ours = Utf8Validation.firstInvalidByte(bytes, 0, bytes.length) < 0;
      assertEquals(jdkValid, ours, () -> "disagree on " + java.util.HexFormat.of().formatHex(bytes));
      if (!ours) {
        invalid++;
      }
    }
    assertEquals(true, invalid > 1000, "the random input exercised invalid sequences");
  }

  @Test
  void namesTheFirstBadByte() {
    byte[] text = "ok \u00e9 then".getBytes(StandardCharsets.UTF_8);
    assertEquals(-1, Utf8Validation.firstInvalidByte(text, 0, text.length));
    byte[] bad = {'a', 'b', (byte) 0xC3, 'x'};
    assertEquals(2, Utf8Validation.firstInvalidByte(bad, 0, bad.length));
    byte[] surrogate = {(byte) 0xED, (byte) 0xA0, (byte) 0x80};
    assertEquals(0, Utf8Validation.firstInvalidByte(surrogate, 0, 3));
    byte[] overlong = {'x', (byte) 0xC0, (byte) 0xAF};
    assertEquals(1, Utf8Validation.firstInvalidByte(overlong, 0, 3));
    byte[] truncatedAtRangeEnd = {(byte) 0xE2, (byte) 0x82, (byte) 0xAC};
    assertEquals(0, Utf8Validation.firstInvalidByte(truncatedAtRangeEnd, 0, 2));
  }

  private static boolean jdkValid(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
