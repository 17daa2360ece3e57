package dev.metadb.query;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The result as one JSON document, streamed:
 *
 * <pre>
 * {"columns":[{"name":"source","type":"Utf8"},...],
 *  "rows":[{"source":"bus","n":3},...],
 *  "row_count":1}
 * </pre>
 *
 * Row objects are keyed by column name; a name that repeats (two columns called id) gets
 * {@code _2}, {@code _3}... in {@code columns} and in the rows alike. Values follow
 * {@link CellFormat}.
 */
final class JsonWriter {
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonWriter() {}

  static long write(ArrowReader result, OutputStream out) throws IOException {
    VectorSchemaRoot root = result.getVectorSchemaRoot();
    List<String> keys = keys(root.getSchema().getFields());
    long rows = 0;
    try (JsonGenerator json = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      json.writeStartObject();
      json.writeArrayFieldStart("columns");
      List<Field> fields = root.getSchema().getFields();
      for (int c = 0; c < fields.size(); c++) {
        json.writeStartObject();
        json.writeStringField("name", keys.get(c));
        json.writeStringField("type", fields.get(c).getType().toString());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("rows");
      while (result.loadNextBatch()) {
        List<FieldVector> columns = root.getFieldVectors();
        for (int r = 0; r < root.getRowCount(); r++) {
          json.writeStartObject();
          for (int c = 0; c < columns.size(); c++) {
            json.writeFieldName(keys.get(c));
            CellFormat.writeJson(json, columns.get(c), r);
          }
          json.writeEndObject();
        }
        rows += root.getRowCount();
      }
      json.writeEndArray();
      json.writeNumberField("row_count", rows);
      json.writeEndObject();
      json.writeRaw('\n');
    }
    out.flush();
    return rows;
  }

  private static List<String> keys(List<Field> fields) {
    Set<String> used = new HashSet<>();
    List<String> keys = new ArrayList<>();
    for (Field field : fields) {
      String key = field.getName();
      for (int n = 2; !used.add(key); n++) {
        key = field.getName() + "_" + n;
      }
      keys.add(key);
    }
    return keys;
  }
}
