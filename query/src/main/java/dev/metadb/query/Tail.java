package dev.metadb.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.metadb.event.Table;
import dev.metadb.writer.Home;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * {@code metadb tail}: committed rows as they arrive, read-only, never missing or repeating one.
 *
 * <p>WHY IT CANNOT MISS OR REPEAT. Every event table's key is {@code id INTEGER PRIMARY KEY}. The
 * ingester and replay are the only writers, one transaction at a time, and SQLite gives each new
 * row max(id) + 1; retention never deletes a table's newest row (so max(id) never falls back). A
 * transaction's rows become visible all at once at its COMMIT, so within a table the ids visible
 * to a reader only ever grow at the end, whatever the ingester's batches or restarts. Each poll
 * reads {@code id > watermark} per table in one read transaction and moves the watermark to the
 * last id it read.
 *
 * <p>ORDER. Within a table: commit order (id). Across tables, rows of one poll are interleaved by
 * {@code ingested_at}, then table, then id; a poll's rows all come after the previous poll's.
 * Rows of different tables committed in the same transaction share an ingested_at.
 *
 * <p>FILTER. {@code --where} is a DuckDB expression over the row's columns. The statement built
 * from it, {@code SELECT id FROM <table> WHERE (<expr>)}, goes through the same inspection and
 * locked-down engine as {@code metadb query} ({@link DuckSession}, {@link SqlInspector}) and must
 * read its table exactly once: a subquery, or text that closes the parenthesis and adds a
 * UNION, is refused. The engine sees only the poll's new rows of that table.
 *
 * <p>START. With {@code since}: every row with ts_utc at or after it (and later rows only if
 * their ts_utc is too). Without: the last {@code last} rows over the tables, by ingested_at.
 *
 * <p>Not thread-safe. meta.db is opened read-only ({@link MetaDbReader}); no snapshot is written.
 */
public final class Tail implements AutoCloseable {
  /** How {@link #poll} renders a row. */
  public enum Format {
    /** One JSON object per line: {@code {"table":...,"id":...,"event_id":...,...}}. */
    JSON,
    /** One line per row: ingested_at, table, id, ts_utc, then column=value for non-null columns. */
    TABLE
  }

  /** At most this many rows per table and poll; the rest come with the next poll. */
  private static final int MAX_ROWS_PER_POLL = 10_000;
  private static final JsonFactory JSON = new JsonFactory();

  private final Home home;
  private final List<Table> tables;
  private final String where;
  private final String sinceText;
  private final Format format;
  private final BufferAllocator allocator;
  private final DuckSession duck;
  private final Map<Table, Long> watermarks = new EnumMap<>(Table.class);
  private final int last;
  private MetaDbReader db;

  private Tail(Home home, List<Table> tables, String where, Instant since, int last, Format format,
      BufferAllocator allocator, DuckSession duck) {
    this.home = home;
    this.tables = tables;
    this.where = where;
    this.sinceText = since == null ? null : TimestampText.format(TimestampText.toMicros(since));
    this.last = last;
    this.format = format;
    this.allocator = allocator;
    this.duck = duck;
  }

  /**
   * @param tables the tables to follow; empty: all of them
   * @param where a filter expression, or null
   * @param since the first ts_utc wanted, or null for the last {@code last} rows
   * @throws QueryException BAD_INPUT for a refused or invalid {@code where}
   */
  public static Tail open(Home home, List<Table> tables, String where, Instant since, int last, Format format)
      throws QueryException {
    List<Table> followed = tables.isEmpty() ? List.of(Table.values()) : List.copyOf(tables);
    BufferAllocator allocator = new RootAllocator();
    DuckSession duck = null;
    try {
      if (where != null) {
        duck = DuckSession.open(allocator);
        for (Table table : followed) {
          SqlShape shape = duck.inspect(filterSql(table, where));
          if (!shape.tables().equals(Map.of(table, 1))) {
            throw QueryException.badInput("--where must be an expression over the row's own columns"
                + " (no subquery, no other table, no closing parenthesis): " + where);
          }
        }
      }
      return new Tail(home, followed, where, since, last, format, allocator, duck);
    } catch (QueryException | RuntimeException e) {
      closeQuietly(duck, e);
      allocator.close();
      throw e;
    }
  }

  private static String filterSql(Table table, String where) {
    // The expression on lines of its own: a trailing "--" comment cannot swallow the ')'.
    return "SELECT id FROM " + table.sqlName() + " WHERE (\n" + where + "\n)";
  }

  /**
   * The rows committed since the previous poll (on the first, from the start point), rendered in
   * tail order. Empty while meta.db does not exist yet.
   */
  public List<String> poll() throws QueryException {
    if (db == null) {
      if (!Files.isRegularFile(home.metaDb())) {
        // Nothing committed yet: every row that will be is new.
        tables.forEach(t -> watermarks.putIfAbsent(t, 0L));
        return List.of();
      }
      db = MetaDbReader.open(home.metaDb());
    }
    List<Rendered> rows = new ArrayList<>();
    try {
      db.beginRead();
      try {
        if (watermarks.isEmpty()) {
          start();
        }
        for (Table table : tables) {
          read(table, rows);
        }
      } finally {
        db.endRead();
      }
    } catch (SQLException e) {
      throw QueryException.failure("cannot read " + home.metaDb() + ": " + e.getMessage(), e);
    }
    rows.sort(Comparator.comparingLong(Rendered::ingestedAt).thenComparing(Rendered::table).thenComparingLong(Rendered::id));
    return rows.stream().map(Rendered::line).toList();
  }

  /** Sets each table's watermark to just before the first row wanted. */
  private void start() throws SQLException {
    if (sinceText != null) {
      for (Table table : tables) {
        watermarks.put(table, scalar("SELECT min(id) - 1 FROM " + table.sqlName() + " WHERE ts_utc >= ?", sinceText, 0));
      }
      return;
    }
    // The last N rows over all tables by ingested_at: take each table's last N, keep the newest N.
    record Candidate(Table table, long id, String ingestedAt) {}
    List<Candidate> candidates = new ArrayList<>();
    for (Table table : tables) {
      watermarks.put(table, scalar("SELECT max(id) FROM " + table.sqlName(), null, 0));
      try (PreparedStatement st = db.connection().prepareStatement(
          "SELECT id, ingested_at FROM " + table.sqlName() + " ORDER BY id DESC LIMIT ?")) {
        st.setInt(1, last);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            candidates.add(new Candidate(table, rs.getLong(1), rs.getString(2)));
          }
        }
      }
    }
    candidates.sort(Comparator.comparing(Candidate::ingestedAt).thenComparing(Candidate::table).thenComparingLong(Candidate::id).reversed());
    for (Candidate c : candidates.subList(0, Math.min(last, candidates.size()))) {
      watermarks.merge(c.table(), c.id() - 1, Math::min);
    }
  }

  private long scalar(String sql, String parameter, long ifNull) throws SQLException {
    try (PreparedStatement st = db.connection().prepareStatement(sql)) {
      if (parameter != null) {
        st.setString(1, parameter);
      }
      try (ResultSet rs = st.executeQuery()) {
        long value = rs.next() ? rs.getLong(1) : ifNull;
        return rs.wasNull() ? ifNull : value;
      }
    }
  }

  private void read(Table table, List<Rendered> out) throws SQLException, QueryException {
    TableLayout layout = TableLayout.of(table);
    String sql = "SELECT " + SqliteRows.selectList(layout.columns()) + " FROM " + table.sqlName()
        + " WHERE id > ?" + (sinceText == null ? "" : " AND ts_utc >= ?") + " ORDER BY id LIMIT " + MAX_ROWS_PER_POLL;
    RowBlock block;
    try (PreparedStatement st = db.connection().prepareStatement(sql)) {
      st.setLong(1, watermarks.get(table));
      if (sinceText != null) {
        st.setString(2, sinceText);
      }
      block = SqliteRows.readAll(st, layout.columns(), allocator);
    }
    try (block) {
      if (block.rows() == 0) {
        return;
      }
      BigIntVector ids = block.ids();
      watermarks.put(table, ids.get(block.rows() - 1));
      Set<Long> matching = where == null ? null : filter(table, layout, block);
      List<FieldVector> vectors = new ArrayList<>();
      for (SnapshotColumn column : layout.columns()) {
        vectors.add(block.vector(column.name()));
      }
      FieldVector ingestedAt = block.vector("ingested_at");
      for (int r = 0; r < block.rows(); r++) {
        long id = ids.get(r);
        if (matching == null || matching.contains(id)) {
          long at = ((TimeStampVector) ingestedAt).get(r);
          out.add(new Rendered(at, table.sqlName(), id, render(table, vectors, r)));
        }
      }
    }
  }

  /** The ids of {@code block}'s rows the --where expression keeps, decided by the locked-down DuckDB. */
  private Set<Long> filter(Table table, TableLayout layout, RowBlock block) throws QueryException {
    List<Field> fields = layout.columns().stream().map(SnapshotColumn::field).toList();
    Set<Long> ids = new HashSet<>();
    try (DuckSession.Registration registration = duck.register(table.sqlName(), new Schema(fields), List.of(block), false);
        DuckSession.Result result = duck.execute(filterSql(table, where), MAX_ROWS_PER_POLL)) {
      ArrowReader reader = result.reader();
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      while (reader.loadNextBatch()) {
        BigIntVector column = (BigIntVector) root.getVector(0);
        for (int r = 0; r < root.getRowCount(); r++) {
          ids.add(column.get(r));
        }
      }
    } catch (DuckSession.StreamReusedException e) {
      throw QueryException.badInput("--where must not read its table twice: " + where);
    } catch (IOException | SQLException e) {
      throw QueryException.failure("cannot filter " + table.sqlName() + " rows: " + e.getMessage(), e);
    }
    return ids;
  }

  private String render(Table table, List<FieldVector> vectors, int row) {
    StringWriter text = new StringWriter();
    if (format == Format.JSON) {
      try (JsonGenerator json = JSON.createGenerator(text)) {
        json.writeStartObject();
        json.writeStringField("table", table.sqlName());
        for (FieldVector vector : vectors) {
          json.writeFieldName(vector.getName());
          CellFormat.writeJson(json, vector, row);
        }
        json.writeEndObject();
      } catch (IOException e) {
        throw new IllegalStateException("JSON into a string failed", e);
      }
      return text.toString();
    }
    StringBuilder line = new StringBuilder();
    line.append(CellFormat.text(vectors.get(5), row)).append("  ").append(String.format("%-20s", table.sqlName()))
        .append(" #").append(CellFormat.text(vectors.get(0), row)).append("  ").append(CellFormat.text(vectors.get(2), row));
    for (int c = 6; c < vectors.size(); c++) {
      String value = CellFormat.text(vectors.get(c), row);
      if (value != null) {
        line.append("  ").append(vectors.get(c).getName()).append('=').append(value);
      }
    }
    return line.toString();
  }

  /** A rendered row with its sort key. */
  private record Rendered(long ingestedAt, String table, long id, String line) {}

  @Override
  public void close() throws QueryException {
    QueryException failure = null;
    try {
      if (db != null) {
        db.close();
      }
      if (duck != null) {
        duck.close();
      }
    } catch (SQLException e) {
      failure = QueryException.failure("cannot close: " + e.getMessage(), e);
    }
    allocator.close();
    if (failure != null) {
      throw failure;
    }
  }

  private static void closeQuietly(DuckSession duck, Exception primary) {
    if (duck == null) {
      return;
    }
    try {
      duck.close();
    } catch (SQLException e) {
      primary.addSuppressed(e);
    }
  }
}
