package dev.metadb.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The streaming {@link EnvelopeCodec#decode} against the tree decoder it replaced ({@link
 * TreeEnvelopeDecoder}, the oracle): for valid envelopes of all 16 tables and for hostile
 * mutations of them (keys dropped, repeated, renamed; values of every wrong type; truncation at
 * every byte; random byte edits; text after the object; deep nesting; NUL and invalid UTF-8), both
 * give the same envelope or the same refusal, message for message.
 */
class EnvelopeDecoderEquivalenceTest {
  private static final EnvelopeCodec.Missing MISSING = new EnvelopeCodec.Missing(
      () -> Instant.parse("2026-12-03T12:00:00.000001Z"), () -> "inbox-line-7");

  /** Values put in place of a key's value (JSON text): every type, edge cases, broken text. */
  private static final List<String> HOSTILE_VALUES = List.of(
      "null", "true", "false", "0", "-1", "1", "2", "1.5", "-0.0", "1e400", "1E2", "2147483648", "9223372036854775807",
      "9223372036854775808", "-9223372036854775809", "1" + "0".repeat(40),
      "\"\"", "\"x\"", "\"ticks\"", "\"messages\"", "\"inbound\"", "\"INBOUND\"", "\"2026-11-25T02:44:00Z\"",
      "\"2026-11-25T02:44:00.123456789+02:00\"", "\"0000-12-31T23:59:59Z\"", "\"10000-01-01T00:00:00Z\"",
      "\"2026-02-30T00:00:00.000000Z\"", "\"not a time\"", "\"{\\\"a\\\":1}\"", "\"{\\\"a\\\":1} x\"", "\"[\"", "\"\\u0000\"",
      "\"a\\u0000b\"", "\"\\uD800\"", "\"caf\u00e9 \uD83D\uDE00\"", "\"" + "x".repeat(65) + "\"", "{}", "[]", "{\"a\":[1,2.5,null]}",
      "[1,{\"b\":\"c\"}]", "{\"a\":1,\"a\":2}", "\"{\\\"k\\\":\\\"" + "z".repeat(PlainJson.MAX_LENGTH) + "\\\"}\"", "tru", "nul",
      "01", "-", "\"unterminated", "{\"a\":}", "NaN", "'x'");
  /** Values at and over the limits (value bytes, number length, nesting): costly, so tried on fewer lines. */
  private static final List<String> LARGE_VALUES = List.of(
      "1" + "0".repeat(1100), "1." + "5".repeat(1100), "[".repeat(999) + "]".repeat(999), "[".repeat(1001) + "]".repeat(1001),
      "\"" + "y".repeat(EventValidator.MAX_VALUE_BYTES) + "\"", "\"" + "y".repeat(EventValidator.MAX_VALUE_BYTES + 1) + "\"",
      "\"" + "\u00e9".repeat(EventValidator.MAX_VALUE_BYTES / 2 + 1) + "\"",
      "\"" + "\u4e2d".repeat(EventValidator.MAX_VALUE_BYTES / 3 + 1) + "\"");
  /** Bytes a random edit writes: structure, digits, quotes, NUL, a lone continuation byte, invalid lead bytes. */
  private static final byte[] EDIT_BYTES = "{}[]\":,. -0159eEtfnu\\\u0001xa".getBytes(StandardCharsets.US_ASCII);

  private int compared;

  @Test
  void streamingDecoderAgreesWithTheTreeDecoder() {
    List<Fields> valid = validEnvelopes();
    for (Fields envelope : valid) {
      compare(envelope.render());
    }
    for (int i = 0; i < valid.size(); i += 14) {
      mutateKeys(valid.get(i));
    }
    for (int i = 0; i < valid.size(); i += 32) {
      for (String value : HOSTILE_VALUES) {
        replaceEachValue(valid.get(i), value);
      }
    }
    for (Table table : List.of(Table.MESSAGES, Table.MCP_TOOL_CALLS)) { // every column type between them
      for (String value : LARGE_VALUES) {
        replaceEachValue(valid.get(2 * table.ordinal()), value); // the table's event with every column set
      }
    }
    for (int i = 0; i < 48; i++) {
      byte[] line = valid.get(i * 5).render();
      for (int end = 0; end < line.length; end++) {
        compare(Arrays.copyOf(line, end));
      }
    }
    randomEdits(valid, new SplittableRandom(13));
    handWritten();
    assertTrue(compared > 200_000, "compared " + compared);
  }

  /** Every table's events: full and minimal, the samples, with and without spool stamps, host and pid. */
  private static List<Fields> validEnvelopes() {
    List<Envelope> envelopes = new ArrayList<>();
    for (boolean full : new boolean[] {true, false}) {
      for (Event event : EnvelopeCodecTest.everyTable(full)) {
        envelopes.add(new Envelope(EventIds.next(), Timestamps.now(), "host", 42L, event));
        envelopes.add(new Envelope(EventIds.next(), Timestamps.now(), null, null, event));
      }
    }
    for (int n = 0; n < 2000; n++) {
      envelopes.add(SampleEvents.mixed(n));
    }
    List<Fields> fields = new ArrayList<>();
    for (int i = 0; i < envelopes.size(); i++) {
      SpoolStamp stamp = i % 3 == 0 ? new SpoolStamp("writer", "disk full", Timestamps.now()) : null;
      fields.add(Fields.parse(EnvelopeCodec.encode(envelopes.get(i), stamp)));
    }
    return fields;
  }

  /** Each key of the envelope and of its data dropped, repeated (same value, then null or junk), renamed. */
  private void mutateKeys(Fields envelope) {
    for (boolean inData : new boolean[] {false, true}) {
      List<String[]> keys = inData ? envelope.data : envelope.top;
      for (int k = 0; k < keys.size(); k++) {
        int at = k;
        String key = keys.get(k)[0];
        String value = keys.get(k)[1];
        compare(envelope.edit(inData, list -> list.remove(at)).render());
        for (String second : Arrays.asList(value, "null", "\"other\"", "7", "{}")) {
          compare(envelope.edit(inData, list -> list.add(at + 1, new String[] {key, second})).render());
          compare(envelope.edit(inData, list -> list.add(new String[] {key, second})).render());
          compare(envelope.edit(inData, list -> list.add(0, new String[] {key, second})).render());
        }
        for (String renamed : List.of(key + "x", key.toUpperCase(), "", "zz", key.substring(1), "spool", "data", "table", "source")) {
          compare(envelope.edit(inData, list -> list.set(at, new String[] {renamed, value})).render());
        }
      }
    }
    compare(envelope.edit(false, list -> list.add(0, new String[] {"unknown", "1"})).edit(true, list -> list.add(new String[] {"nope", "2"})).render());
  }

  private void replaceEachValue(Fields envelope, String value) {
    for (boolean inData : new boolean[] {false, true}) {
      List<String[]> keys = inData ? envelope.data : envelope.top;
      for (int k = 0; k < keys.size(); k++) {
        int at = k;
        String key = keys.get(k)[0];
        compare(envelope.edit(inData, list -> list.set(at, new String[] {key, value})).render());
      }
    }
    compare(envelope.edit(false, list -> list.add(new String[] {"data", value})).render());
  }

  /** One to three random byte edits (replace, insert, delete) per line, and random lines cut short. */
  private void randomEdits(List<Fields> valid, SplittableRandom random) {
    for (int i = 0; i < 60_000; i++) {
      byte[] line = valid.get(random.nextInt(valid.size())).render();
      int edits = 1 + random.nextInt(3);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(line.length);
        byte b = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : EDIT_BYTES[random.nextInt(EDIT_BYTES.length)];
        line = switch (random.nextInt(3)) {
          case 0 -> {
            line[at] = b;
            yield line;
          }
          case 1 -> {
            byte[] longer = new byte[line.length + 1];
            System.arraycopy(line, 0, longer, 0, at);
            longer[at] = b;
            System.arraycopy(line, at, longer, at + 1, line.length - at);
            yield longer;
          }
          default -> {
            byte[] shorter = new byte[line.length - 1];
            System.arraycopy(line, 0, shorter, 0, at);
            System.arraycopy(line, at + 1, shorter, at, line.length - at - 1);
            yield shorter;
          }
        };
        if (line.length == 0) {
          break;
        }
      }
      compare(line);
    }
  }

  private void handWritten() {
    String tick = "{\"table\":\"ticks\",\"ts_utc\":\"2026-11-25T02:44:00Z\",\"data\":{\"source\":\"cron\"}}";
    for (String line : List.of("", " ", "\n", "null", "42", "\"x\"", "[]", "[{}]", "{}", "{\"table\":null}", tick,
        tick + tick, tick + " junk", tick + "]", tick + " \t\r\n", " " + tick, tick + "\u0000", "\uFEFF" + tick,
        tick.replace("\"cron\"", "\"cr\u0000on\""), tick.replace("cron", "cr\\u0000on"),
        tick.replace("{\"source\"", "{\"detail_json\":{\"z\":1.0,\"a\":[1e3,-0,12345678901234567890]},\"source\""),
        tick.replace("{\"source\"", "{\"detail_json\":\"{\\\"a\\\":1}\",\"source\""),
        tick.replace("{\"source\"", "{\"detail_json\":\"\",\"source\""),
        tick.replace("{\"source\"", "{\"detail_json\":\"1 2\",\"source\""),
        "{\"data\":{\"source\":\"cron\"},\"ts_utc\":\"2026-11-25T02:44:00Z\",\"table\":\"ticks\"}",
        "{\"data\":{\"source\":\"cron\"},\"table\":\"messages\",\"table\":\"ticks\"}",
        "{\"table\":\"ticks\",\"data\":{\"bogus\":1},\"data\":{\"source\":\"cron\"},\"ts_utc\":\"2026-11-25T02:44:00Z\"}",
        "{\"table\":\"ticks\",\"data\":{\"source\":\"cron\"},\"data\":7,\"ts_utc\":\"2026-11-25T02:44:00Z\"}",
        "{\"table\":\"ticks\",\"data\":{\"source\":\"cron\",\"source\":null},\"ts_utc\":\"2026-11-25T02:44:00Z\"}",
        "{\"table\":\"ticks\",\"data\":{\"a\":1,\"b\":2,\"source\":\"x\"},\"ts_utc\":\"2026-11-25T02:44:00Z\"}",
        "{\"table\":\"ticks\",\"v\":1.0,\"data\":{},\"ts_utc\":\"x\"}", "{\"a\":1,\"b\":2}", "{\"table\":\"nope\",\"x\":1}",
        "{\"table\":\"tick\"}", "{\"table\":\"ticks\",\"ts_utc\":\"2026-11-25T02:44:00Z\",\"data\":{\"source\":\"cron\"}")) {
      compare(line.getBytes(StandardCharsets.UTF_8));
    }
    byte[] bad = tick.getBytes(StandardCharsets.UTF_8);
    for (int b : new int[] {0x80, 0xBF, 0xC0, 0xC3, 0xE0, 0xED, 0xF0, 0xF5, 0xFF}) {
      for (int at : new int[] {bad.length - 5, bad.length - 4, 3, 30, bad.length - 1}) {
        byte[] line = bad.clone();
        line[at] = (byte) b;
        compare(line);
      }
    }
  }

  /**
   * Both decoders on {@code line}, alone, and (unless it is over 64 KiB, where this would only
   * cost time) with {@link #MISSING} supplied and inside a larger array.
   */
  private void compare(byte[] line) {
    if (line.length > 1 << 16) {
      assertEquals(outcome(true, line, 0, line.length, null), outcome(false, line, 0, line.length, null),
          () -> "differs on: " + abbreviate(line));
      compared++;
      return;
    }
    byte[] framed = new byte[line.length + 6];
    Arrays.fill(framed, (byte) '}');
    System.arraycopy(line, 0, framed, 3, line.length);
    for (EnvelopeCodec.Missing missing : Arrays.asList(null, MISSING)) {
      assertEquals(outcome(true, line, 0, line.length, missing), outcome(false, line, 0, line.length, missing),
          () -> "differs on: " + abbreviate(line));
      compared++;
    }
    assertEquals(outcome(true, framed, 3, line.length, null), outcome(false, framed, 3, line.length, null),
        () -> "differs inside a larger array on: " + abbreviate(line));
    compared++;
  }

  private static String outcome(boolean tree, byte[] bytes, int offset, int length, EnvelopeCodec.Missing missing) {
    try {
      Envelope envelope = tree
          ? TreeEnvelopeDecoder.decode(bytes, offset, length, missing)
          : EnvelopeCodec.decode(bytes, offset, length, missing);
      return "decoded " + envelope;
    } catch (InvalidEventException e) {
      return "refused [" + e.table() + "|" + e.field() + "] " + e.getMessage();
    } catch (RuntimeException e) {
      return "threw " + e;
    }
  }

  private static String abbreviate(byte[] line) {
    String text = new String(line, StandardCharsets.UTF_8);
    return text.length() > 300 ? text.substring(0, 300) + "... (" + line.length + " bytes)" : text;
  }

  /**
   * An envelope as its top-level keys and its data keys in order, each with its value's JSON text,
   * so a test can repeat, drop and rename keys (a tree cannot hold a repeated key).
   */
  private record Fields(List<String[]> top, List<String[]> data) {
    static Fields parse(byte[] line) {
      try {
        var root = (com.fasterxml.jackson.databind.node.ObjectNode) JsonText.parse(line, 0, line.length);
        List<String[]> top = new ArrayList<>();
        List<String[]> data = new ArrayList<>();
        for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> field : root.properties()) {
          if (field.getKey().equals("data")) {
            field.getValue().properties().forEach(column -> data.add(new String[] {column.getKey(), column.getValue().toString()}));
            top.add(new String[] {"data", null});
          } else {
            top.add(new String[] {field.getKey(), field.getValue().toString()});
          }
        }
        return new Fields(top, data);
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }

    Fields edit(boolean inData, java.util.function.Consumer<List<String[]>> change) {
      List<String[]> copy = new ArrayList<>(inData ? data : top);
      change.accept(copy);
      return inData ? new Fields(top, copy) : new Fields(copy, data);
    }

    byte[] render() {
      StringBuilder s = new StringBuilder("{");
      for (String[] field : top) {
        s.append(s.length() > 1 ? "," : "").append(quote(field[0])).append(':');
        if (field[1] != null) {
          s.append(field[1]);
        } else {
          s.append('{');
          for (int i = 0; i < data.size(); i++) {
            s.append(i > 0 ? "," : "").append(quote(data.get(i)[0])).append(':').append(data.get(i)[1]);
          }
          s.append('}');
        }
      }
      return s.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String quote(String key) {
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(key).toString();
    }
  }
}
