package dev.metadb.query;

import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * One column of an event table as the read side sees it.
 *
 * @param name the SQLite and Arrow column name
 * @param kind how its values are typed in Arrow
 * @param nullable false for columns SQLite declares NOT NULL (and for {@code id})
 */
record SnapshotColumn(String name, ColumnKind kind, boolean nullable) {
  Field field() {
    return new Field(name, new FieldType(nullable, kind.arrowType(), null), null);
  }
}
