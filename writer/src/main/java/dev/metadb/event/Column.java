package dev.metadb.event;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * One column of an event table, derived from a record component.
 *
 * @param name snake_case column name, as in the envelope, SQLite and Arrow
 * @param type the column's type
 * @param required whether validation rejects a null value
 * @param allowed for {@link ColumnType#ENUM}, the accepted texts in declaration (ordinal) order; else empty
 * @param enumType for {@link ColumnType#ENUM}, the Java enum; else null
 * @param accessor the record component's accessor (plain reflection: a method handle would cost
 *     every cold writer process the spinning of its lambda forms)
 */
public record Column(
    String name,
    ColumnType type,
    boolean required,
    List<String> allowed,
    Class<? extends Enum<?>> enumType,
    Method accessor) {

  private static final Object[] NO_ARGS = {};

  /** This column's value in {@code event} (a record of this column's table); may be null. */
  public Object get(Event event) {
    try {
      return accessor.invoke(event, NO_ARGS); // no varargs array per call: this runs per column per record
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read column " + name, e);
    }
  }

  /** The wire text of {@code constant}, a constant of {@link #enumType}: computed once, in {@link #allowed}. */
  public String wire(Enum<?> constant) {
    return allowed.get(constant.ordinal());
  }

  /** The constant of {@link #enumType} whose wire text is {@code text}, or null if none. */
  public Enum<?> enumConstant(String text) {
    int ordinal = allowed.indexOf(text);
    return ordinal < 0 ? null : enumType.getEnumConstants()[ordinal];
  }
}
