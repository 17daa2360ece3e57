package dev.metadb.query;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FloatingPointVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * How a result value is written as text and as JSON. One rule per Arrow type, so every output
 * format agrees with the others:
 *
 * <pre>
 *   timestamp with time zone   2026-11-25T02:44:00.123456Z   (meta.db's own fixed-width form)
 *   timestamp without zone     2026-11-25T02:44:00.123456
 *   date                       2026-11-25                    (a lake's date partition)
 *   integers, decimals         digits, no exponent           JSON: a number
 *   floating point             Java's shortest repr          JSON: a number; NaN/Infinity as strings
 *   booleans                   true / false                  JSON: true / false
 *   text                       as stored                     JSON: a string
 *   anything else              Arrow's own text (lists and structs print as JSON)
 * </pre>
 */
final class CellFormat {
  private CellFormat() {}

  /** The value's text, or null for SQL NULL. */
  static String text(FieldVector vector, int index) {
    if (vector.isNull(index)) {
      return null;
    }
    if (vector instanceof TimeStampVector ts) {
      return timestamp(ts, index);
    }
    if (vector instanceof DateDayVector days) {
      return LocalDate.ofEpochDay(days.get(index)).toString();
    }
    if (vector instanceof DecimalVector || vector instanceof Decimal256Vector) {
      return ((BigDecimal) vector.getObject(index)).toPlainString();
    }
    if (vector instanceof BitVector bits) {
      return bits.get(index) != 0 ? "true" : "false";
    }
    if (vector.getField().getType() instanceof ArrowType.Int) {
      return integer(vector, index);
    }
    return vector.getObject(index).toString();
  }

  /** Digits of an integer value; unsigned 64-bit values past Long.MAX_VALUE stay positive. */
  private static String integer(FieldVector vector, int index) {
    if (vector instanceof UInt8Vector unsigned) {
      return unsigned.getObjectNoOverflow(index).toString();
    }
    if (vector instanceof UInt2Vector chars) {
      return Integer.toString(chars.get(index));
    }
    return vector.getObject(index).toString();
  }

  /** Whether values of this column read as numbers (right-aligned in tables). */
  static boolean isNumeric(FieldVector vector) {
    return vector instanceof BaseIntVector || vector instanceof FloatingPointVector
        || vector instanceof DecimalVector || vector instanceof Decimal256Vector;
  }

  static void writeJson(JsonGenerator json, FieldVector vector, int index) throws IOException {
    if (vector.isNull(index)) {
      json.writeNull();
    } else if (vector instanceof BitVector bits) {
      json.writeBoolean(bits.get(index) != 0);
    } else if (vector.getField().getType() instanceof ArrowType.Int) {
      json.writeNumber(integer(vector, index));
    } else if (vector instanceof FloatingPointVector floats) {
      double value = floats.getValueAsDouble(index);
      if (Double.isNaN(value) || Double.isInfinite(value)) {
        json.writeString(Double.toString(value));
      } else {
        json.writeNumber(vector.getObject(index).toString());
      }
    } else if (vector instanceof DecimalVector || vector instanceof Decimal256Vector) {
      json.writeNumber((BigDecimal) vector.getObject(index));
    } else {
      json.writeString(text(vector, index));
    }
  }

  private static String timestamp(TimeStampVector vector, int index) {
    ArrowType.Timestamp type = (ArrowType.Timestamp) vector.getField().getType();
    long raw = vector.get(index);
    long micros = switch (type.getUnit()) {
      case SECOND -> TimeUnit.SECONDS.toMicros(raw);
      case MILLISECOND -> TimeUnit.MILLISECONDS.toMicros(raw);
      case MICROSECOND -> raw;
      case NANOSECOND -> Math.floorDiv(raw, 1000L);
    };
    String utc = TimestampText.format(micros);
    return type.getTimezone() != null ? utc : utc.substring(0, utc.length() - 1);
  }
}
