package dev.metadb.query;

import dev.metadb.event.ColumnType;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * How one meta.db column type becomes an Arrow column, and how a SQLite value is copied into it.
 *
 * <pre>
 *   kind        SQLite storage             Arrow type                         vector
 *   TEXT        TEXT (UTF-8)               Utf8                               VarCharVector
 *   BIGINT      INTEGER                    Int(64, signed)                    BigIntVector
 *   BOOL        INTEGER 0/1                Bool                               BitVector
 *   TIMESTAMP   TEXT 2026-...123456Z       Timestamp(MICROSECOND, "UTC")      TimeStampMicroTZVector
 * </pre>
 *
 * TEXT covers the model's TEXT, JSON and ENUM columns: JSON stays the exact text SQLite holds.
 */
enum ColumnKind {
  TEXT(ArrowType.Utf8.INSTANCE),
  BIGINT(new ArrowType.Int(64, true)),
  BOOL(ArrowType.Bool.INSTANCE),
  TIMESTAMP(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC"));

  private final ArrowType arrowType;

  ColumnKind(ArrowType arrowType) {
    this.arrowType = arrowType;
  }

  ArrowType arrowType() {
    return arrowType;
  }

  static ColumnKind of(ColumnType type) {
    return switch (type) {
      case TEXT, JSON, ENUM -> TEXT;
      case INTEGER -> BIGINT;
      case BOOLEAN -> BOOL;
      case TIMESTAMP -> TIMESTAMP;
    };
  }

  /**
   * Copies column {@code column} (1-based) of the current row of {@code rows} into {@code vector}
   * at {@code index}, growing the vector as needed. A SQL NULL becomes an Arrow null.
   *
   * @throws SQLException from the driver
   */
  void copy(ResultSet rows, int column, FieldVector vector, int index) throws SQLException {
    switch (this) {
      case TEXT -> {
        // getBytes on a TEXT value hands over SQLite's UTF-8 bytes without a String round trip.
        byte[] bytes = rows.getBytes(column);
        if (bytes == null) {
          ((VarCharVector) vector).setNull(index);
        } else {
          ((VarCharVector) vector).setSafe(index, bytes);
        }
      }
      case BIGINT -> {
        long value = rows.getLong(column);
        if (rows.wasNull()) {
          ((BigIntVector) vector).setNull(index);
        } else {
          ((BigIntVector) vector).setSafe(index, value);
        }
      }
      case BOOL -> {
        long value = rows.getLong(column);
        if (rows.wasNull()) {
          ((BitVector) vector).setNull(index);
        } else {
          ((BitVector) vector).setSafe(index, value != 0 ? 1 : 0);
        }
      }
      case TIMESTAMP -> {
        // Never fails on a row (TimestampText): an unreadable value is NULL, or for the row key
        // (the one non-nullable timestamp, ts_utc) a bound just outside the accepted range.
        String text = rows.getString(column);
        long micros = text == null ? TimestampText.UNREADABLE
            : vector.getField().isNullable() ? TimestampText.micros(text) : TimestampText.keyMicros(text);
        if (micros == TimestampText.UNREADABLE) {
          ((TimeStampMicroTZVector) vector).setNull(index);
        } else {
          ((TimeStampMicroTZVector) vector).setSafe(index, micros);
        }
      }
    }
  }
}
