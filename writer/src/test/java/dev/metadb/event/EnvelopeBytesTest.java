package dev.metadb.event;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link EnvelopeBytes}'s invariant: the codec writes exactly the bytes Jackson's UTF-8 generator
 * wrote (the encoder metadb used before, kept here as the reference), for random events of every
 * table with strings drawn from every escape class, non-BMP characters, lone surrogates and
 * control characters.
 */
class EnvelopeBytesTest {
  private static final JsonFactory JACKSON =
      JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

  /** The encoder before {@link EnvelopeBytes}: Jackson's generator, field by field. */
  private static byte[] jackson(Envelope envelope, SpoolStamp stamp) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JACKSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("event_id", envelope.eventId());
      Table table = envelope.table();
      g.writeStringField("table", table.sqlName());
      g.writeStringField("ts_utc", Timestamps.format(envelope.tsUtc()));
      if (envelope.host() != null) {
        g.writeStringField("host", envelope.host());
      }
      if (envelope.pid() != null) {
        g.writeNumberField("pid", envelope.pid());
      }
      g.writeNumberField("v", Envelope.VERSION);
      g.writeObjectFieldStart("data");
      for (Column column : table.columns()) {
        Object value = column.get(envelope.event());
        if (value == null) {
          continue;
        }
        g.writeFieldName(column.name());
        switch (column.type()) {
          case TEXT, JSON -> g.writeString((String) value);
          case INTEGER -> g.writeNumber((Long) value);
          case BOOLEAN -> g.writeBoolean((Boolean) value);
          case TIMESTAMP -> g.writeString(Timestamps.format((Instant) value));
          case ENUM -> g.writeString(((EnumValue) value).wire());
        }
      }
      g.writeEndObject();
      if (stamp != null) {
        g.writeObjectFieldStart("spool");
        g.writeStringField("stage", stamp.stage());
        g.writeStringField("reason", stamp.reason());
        g.writeStringField("at", Timestamps.format(stamp.at()));
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  /** Characters of every class the escaping treats differently. */
  private static char randomChar(Random r) {
    return switch (r.nextInt(10)) {
      case 0 -> (char) r.nextInt(0x20); // control characters: short and six-character escapes
      case 1 -> "\"\\/\u007f".charAt(r.nextInt(4));
      case 2 -> (char) (0x80 + r.nextInt(0x800 - 0x80)); // two UTF-8 bytes
      case 3 -> (char) (0x800 + r.nextInt(0xD800 - 0x800)); // three
      case 4 -> (char) (0xD800 + r.nextInt(0x800)); // a surrogate, lone or by chance paired
      case 5 -> (char) (0xE000 + r.nextInt(0x10000 - 0xE000)); // three, above the surrogates
      default -> (char) (0x20 + r.nextInt(0x60)); // printable ASCII
    };
  }

  private static String randomString(Random r) {
    int length = r.nextInt(8) == 0 ? r.nextInt(5000) : r.nextInt(40);
    StringBuilder s = new StringBuilder(length);
    while (s.length() < length) {
      if (r.nextInt(12) == 0) {
        s.appendCodePoint(0x10000 + r.nextInt(0x110000 - 0x10000)); // a proper pair
      } else {
        s.append(randomChar(r));
      }
    }
    return s.toString();
  }

  private static Instant randomInstant(Random r) {
    return Instant.ofEpochSecond(
        Timestamps.MIN.getEpochSecond() + (long) (r.nextDouble() * (Timestamps.MAX.getEpochSecond() - Timestamps.MIN.getEpochSecond())),
        r.nextInt(1_000_000) * 1000L);
  }

  private static Event randomEvent(Random r) {
    Table table = Table.values()[r.nextInt(Table.values().length)];
    List<Column> columns = table.columns();
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      Column column = columns.get(i);
      if (!column.required() && r.nextInt(4) == 0) {
        continue;
      }
      values[i] = switch (column.type()) {
        case TEXT, JSON -> randomString(r);
        case INTEGER -> r.nextBoolean() ? r.nextLong() : (long) r.nextInt(1000) - 500;
        case BOOLEAN -> r.nextBoolean();
        case TIMESTAMP -> randomInstant(r);
        case ENUM -> column.enumType().getEnumConstants()[r.nextInt(column.allowed().size())];
      };
    }
    return table.newRecord(values);
  }

  @Test
  void writesJacksonsBytesForRandomEventsOfEveryTable() throws IOException {
    Random r = new Random(13);
    EnvelopeBytes reused = new EnvelopeBytes(16); // small: growth is exercised too
    for (int n = 0; n < 20_000; n++) {
      Envelope envelope = new Envelope(
          r.nextInt(20) == 0 ? randomString(r) : EventIds.next(),
          randomInstant(r),
          r.nextInt(10) == 0 ? null : randomString(r),
          r.nextInt(10) == 0 ? null : r.nextLong(),
          randomEvent(r));
      SpoolStamp stamp = r.nextInt(3) == 0 ? new SpoolStamp(randomString(r), randomString(r), randomInstant(r)) : null;
      byte[] expected = jackson(envelope, stamp);
      assertArrayEquals(expected, EnvelopeCodec.encode(envelope, stamp), () -> "event " + envelope);
      EnvelopeCodec.encode(envelope, stamp, reused);
      assertArrayEquals(expected, java.util.Arrays.copyOf(reused.bytes(), reused.size()));
    }
  }

  @Test
  void escapesEveryControlCharacterSurrogateAndQuoteAsJacksonDid() throws IOException {
    StringBuilder every = new StringBuilder();
    for (char c = 0; c < 0x100; c++) {
      every.append(c);
    }
    every.append("\ud83d\ude00 \ud83d \ude00 \udbff\udfff \u07ff\u0800\uffff");
    Envelope envelope = new Envelope("id", Timestamps.MIN, every.toString(), 1L, new Tick("t", every.toString()));
    byte[] expected = jackson(envelope, null);
    assertArrayEquals(expected, EnvelopeCodec.encode(envelope, null));
    for (Instant outside : new Instant[] {Instant.parse("+10000-01-01T00:00:00Z"), Instant.parse("-0005-06-01T00:00:00.5Z")}) {
      Envelope late = new Envelope("id", outside, null, null, new Workspace("w", null, outside, null, null));
      SpoolStamp stamp = new SpoolStamp("writer", "why", outside);
      assertArrayEquals(jackson(late, stamp), EnvelopeCodec.encode(late, stamp), "the general form outside the range");
    }
    String line = new String(expected, StandardCharsets.UTF_8);
    assertEquals(true, line.contains("\\uD83D\\uDE00 \\uD83D \\uDE00"), line);
  }
}
