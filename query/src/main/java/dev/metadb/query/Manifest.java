package dev.metadb.query;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.metadb.store.Schema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a table's snapshot holds: the one file that makes a set of segment files a snapshot.
 *
 * <pre>
 * {"format":1, "schema_version":2, "fingerprint":"id:BIGINT!,...",     what it was built under
 *  "watermark_id":1234, "watermark_event_id":"0193...",               rows with id <= 1234 are in it
 *  "columns":["id","ts_utc","source"],                                columns it has files for
 *  "segments":[{"name":"s000007","rows":1000,                          in key order, disjoint:
 *               "first_ts":..,"first_id":..,"last_ts":..,"last_id":..}],  last key < next first key
 *  "next_segment":8, "rows_deleted":0}                                 meta's retention counter then
 * </pre>
 *
 * <p>A snapshot holds exactly the rows of its table with {@code id <= watermark_id}, each once,
 * split into segments that cover consecutive ranges of key order. {@code watermark_event_id} is the
 * event_id of row {@code watermark_id}: if meta.db no longer has that row with that event_id, the
 * file was replaced or rewritten and the snapshot is rebuilt rather than extended.
 *
 * <p>{@code rows_deleted} is meta.db's {@code rows_deleted:<table>} counter (rows retention
 * deleted) when the snapshot was last extended; a different value means rows it holds are gone
 * from meta.db, and it is rebuilt. (A manifest written before the counter existed reads as 0.)
 *
 * @param watermarkId the largest id in the snapshot; 0 when empty
 * @param watermarkEventId the event_id of that row; empty when the snapshot is empty
 */
record Manifest(
    @JsonProperty("format") int format,
    @JsonProperty("schema_version") int schemaVersion,
    @JsonProperty("fingerprint") String fingerprint,
    @JsonProperty("watermark_id") long watermarkId,
    @JsonProperty("watermark_event_id") String watermarkEventId,
    @JsonProperty("columns") List<String> columns,
    @JsonProperty("segments") List<Segment> segments,
    @JsonProperty("next_segment") int nextSegment,
    @JsonProperty("rows_deleted") long rowsDeleted) {

  static final int FORMAT = 1;
  static final String FILE = "manifest.json";
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
          .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

  /**
   * One run of rows in key order, stored as one Arrow IPC file per column.
   *
   * @param name file name prefix: {@code <name>.<column>.arrow}
   */
  record Segment(
      @JsonProperty("name") String name,
      @JsonProperty("rows") int rows,
      @JsonProperty("first_ts") long firstTs,
      @JsonProperty("first_id") long firstId,
      @JsonProperty("last_ts") long lastTs,
      @JsonProperty("last_id") long lastId) {

    RowKey firstKey() {
      return new RowKey(firstTs, firstId);
    }

    RowKey lastKey() {
      return new RowKey(lastTs, lastId);
    }

    String fileName(String column) {
      return name + "." + column + ".arrow";
    }
  }

  /** An empty snapshot of {@code layout} that will hold {@code columns}; its first segment is {@code nextSegment}. */
  static Manifest empty(TableLayout layout, Set<String> columns, int nextSegment) {
    return new Manifest(FORMAT, Schema.VERSION, layout.fingerprint(), 0, "", ordered(layout, columns), List.of(), nextSegment, 0);
  }

  long rows() {
    long rows = 0;
    for (Segment segment : segments) {
      rows += segment.rows();
    }
    return rows;
  }

  Manifest withColumns(TableLayout layout, Set<String> more) {
    Set<String> all = new LinkedHashSet<>(columns);
    all.addAll(more);
    return new Manifest(format, schemaVersion, fingerprint, watermarkId, watermarkEventId, ordered(layout, all), segments, nextSegment, rowsDeleted);
  }

  Manifest withSegments(List<Segment> newSegments, int newNextSegment, long newWatermarkId, String newWatermarkEventId) {
    return new Manifest(format, schemaVersion, fingerprint, newWatermarkId, newWatermarkEventId, columns, newSegments, newNextSegment, rowsDeleted);
  }

  Manifest withRowsDeleted(long deleted) {
    return new Manifest(format, schemaVersion, fingerprint, watermarkId, watermarkEventId, columns, segments, nextSegment, deleted);
  }

  /**
   * The manifest in {@code dir}, or empty when there is none. A manifest that does not parse is
   * reported as {@link Unusable} so the caller can say why it rebuilds.
   */
  static Optional<Manifest> read(Path dir) throws IOException, Unusable {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(dir.resolve(FILE));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(bytes, Manifest.class));
    } catch (JsonProcessingException e) {
      throw new Unusable("its manifest does not parse (" + e.getOriginalMessage() + ")");
    }
  }

  /** Why this manifest cannot be extended under {@code layout}, or empty when it can. */
  Optional<String> incompatibility(TableLayout layout) {
    if (format != FORMAT) {
      return Optional.of("it was written in snapshot format " + format + ", this build writes " + FORMAT);
    }
    if (schemaVersion != Schema.VERSION) {
      return Optional.of("it was built from schema v" + schemaVersion + ", meta.db is v" + Schema.VERSION);
    }
    if (!fingerprint.equals(layout.fingerprint())) {
      return Optional.of("its columns differ from this build's " + layout.name() + " table");
    }
    return Optional.empty();
  }

  /** Writes the manifest to {@code dir} atomically (a temporary file renamed over the old one). */
  void write(Path dir) throws IOException {
    AtomicFiles.write(dir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
  }

  /** Every file name this manifest refers to. */
  Set<String> fileNames() {
    Set<String> names = new LinkedHashSet<>();
    names.add(FILE);
    for (Segment segment : segments) {
      for (String column : columns) {
        names.add(segment.fileName(column));
      }
    }
    return names;
  }

  private static List<String> ordered(TableLayout layout, Set<String> columns) {
    List<String> out = new ArrayList<>();
    for (SnapshotColumn column : layout.columns()) {
      if (columns.contains(column.name())) {
        out.add(column.name());
      }
    }
    return out;
  }

  /** A manifest that exists but cannot be used; the message says why. */
  static final class Unusable extends Exception {
    Unusable(String message) {
      super(message);
    }
  }
}
