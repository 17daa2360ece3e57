package dev.metadb.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * An in-memory DuckDB that can read nothing but the Arrow streams registered with it.
 *
 * <p>LOCKDOWN, applied once at open, in this order: extension autoinstall and autoload off (no
 * network, no code from disk); the session time zone UTC; {@code enable_external_access=false}
 * (no files, no ATTACH, no extension loading), except under the one directory a session may be
 * opened {@linkplain #openWithin within} ({@code allowed_directories}: the lake it reads or exports
 * into); then {@code lock_configuration=true}, after which no statement can undo the rest. Every
 * user statement is first checked by {@link SqlInspector}.
 *
 * <p>REGISTRATION. {@link #register} exports row blocks through the Arrow C stream interface and
 * DuckDB creates a view over them ({@code arrow_scan_dumb}: no projection or filter pushdown, so
 * only the needed columns are registered). A registered stream is SINGLE PASS: DuckDB takes it
 * on the first scan. A table a query scans twice (a self join, a subquery over the same table) is
 * copied into a DuckDB temporary table instead ({@link #register} with {@code copy}).
 *
 * <p>Not thread-safe: one query at a time.
 */
final class DuckSession implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** DuckDB's message when a query scans a registered stream a second time. */
  static final String STREAM_RELEASED = "This stream has been released";
  /**
   * System property capping DuckDB's memory in this process (DuckDB's default: 80 % of RAM), in
   * DuckDB's units ({@code 512MB}, {@code 2GB}); set it with {@code METADB_JAVA_OPTS=-D...}.
   * Nothing spills to disk, so a query that needs more fails with DuckDB's out-of-memory message.
   */
  static final String MEMORY_LIMIT_PROPERTY = "metadb.duckdb.memoryLimit";
  /** The view a copied table is filled from; not a name a user can reach (tables are checked). */
  private static final String COPY_SOURCE_PREFIX = "metadb_stream_";

  private final DuckDBConnection connection;
  private final BufferAllocator allocator;

  private DuckSession(DuckDBConnection connection, BufferAllocator allocator) {
    this.connection = connection;
    this.allocator = allocator;
  }

  static DuckSession open(BufferAllocator allocator) throws QueryException {
    return open(allocator, null);
  }

  /** A session that may read and write files under {@code dir} (a real path) and nowhere else. */
  static DuckSession openWithin(BufferAllocator allocator, Path dir) throws QueryException {
    return open(allocator, dir);
  }

  private static DuckSession open(BufferAllocator allocator, Path allowedDir) throws QueryException {
    DuckDBConnection connection;
    try {
      Properties properties = new Properties();
      properties.setProperty("autoinstall_known_extensions", "false");
      properties.setProperty("autoload_known_extensions", "false");
      connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
    } catch (SQLException e) {
      throw QueryException.failure("cannot start the SQL engine (DuckDB): " + e.getMessage(), e);
    }
    try (Statement st = connection.createStatement()) {
      st.execute("SET autoinstall_known_extensions = false");
      st.execute("SET autoload_known_extensions = false");
      st.execute("SET TimeZone = 'UTC'");
      // No spilling to disk: DuckDB's default spill directory is .tmp in the working directory,
      // outside the home; a query over the memory limit fails instead of writing there.
      st.execute("SET temp_directory = ''");
      String memoryLimit = System.getProperty(MEMORY_LIMIT_PROPERTY, "").strip();
      if (!memoryLimit.isEmpty()) {
        st.execute("SET memory_limit = " + literal(memoryLimit));
      }
      if (allowedDir != null) {
        st.execute("SET allowed_directories = [" + literal(allowedDir + "/") + "]");
      }
      st.execute("SET enable_external_access = false");
      st.execute("SET lock_configuration = true");
    } catch (SQLException e) {
      try {
        connection.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw QueryException.failure("cannot lock down the SQL engine (DuckDB): " + e.getMessage(), e);
    }
    return new DuckSession(connection, allocator);
  }

  /** {@code text} as a SQL string literal. */
  static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** Runs a statement metadb composed itself (never user SQL: that goes through {@link #inspect}). */
  void run(String statement) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute(statement);
    }
  }

  /** What {@code sql} reads, or why it may not run. Executes nothing of it. */
  SqlShape inspect(String sql) throws QueryException {
    SqlInspector.checkLimits(sql);
    JsonNode serialized;
    try (PreparedStatement st = connection.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
      st.setString(1, sql);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        serialized = JSON.readTree(rs.getString(1));
      }
    } catch (SQLException | IOException e) {
      throw QueryException.failure("cannot parse the query: " + e.getMessage(), e);
    }
    return SqlInspector.inspect(sql, serialized, this::parserMessage);
  }

  /**
   * DuckDB's own message for SQL that does not parse (with its line and caret). Preparing a
   * statement that fails to parse executes nothing.
   */
  private String parserMessage(String sql, String fallback) {
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      return "Parser Error: " + fallback;
    } catch (SQLException e) {
      return e.getMessage();
    }
  }

  /**
   * Makes {@code blocks} (in order, with {@code schema}'s columns) readable as table {@code name}:
   * a view over a single-pass stream, or with {@code copy} a temporary table filled from it once.
   */
  Registration register(String name, Schema schema, List<RowBlock> blocks, boolean copy) throws QueryException {
    String streamName = copy ? COPY_SOURCE_PREFIX + name : name;
    ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
    Registration registration = new Registration(name, stream, copy);
    try {
      Data.exportArrayStream(allocator, new BlocksReader(allocator, schema, blocks), stream);
      connection.registerArrowStream(streamName, stream);
      if (copy) {
        try (Statement st = connection.createStatement()) {
          st.execute("CREATE TEMPORARY TABLE " + name + " AS SELECT * FROM " + streamName);
          st.execute("DROP VIEW " + streamName);
        }
      }
      return registration;
    } catch (SQLException | RuntimeException e) {
      QueryException failure = QueryException.failure("cannot hand table " + name + " to the SQL engine: " + e.getMessage(), e);
      try {
        registration.close();
      } catch (SQLException suppressed) {
        failure.addSuppressed(suppressed);
      }
      throw failure;
    }
  }

  /**
   * Runs {@code sql} (already inspected) and returns its result as Arrow batches.
   *
   * @throws QueryException BAD_INPUT with DuckDB's message for errors in the SQL (binding,
   *     types, conversions), FAILURE for the engine's own failures
   * @throws StreamReusedException when the query scanned a registered stream twice
   */
  Result execute(String sql, int batchRows) throws QueryException, StreamReusedException {
    Statement statement = null;
    try {
      statement = connection.createStatement();
      DuckDBResultSet rows = (DuckDBResultSet) statement.executeQuery(sql);
      ArrowReader reader = (ArrowReader) rows.arrowExportStream(allocator, batchRows);
      return new Result(statement, rows, reader);
    } catch (SQLException e) {
      closeAfter(statement, e);
      if (e.getMessage() != null && e.getMessage().contains(STREAM_RELEASED)) {
        throw new StreamReusedException(e);
      }
      throw classify(e);
    } catch (RuntimeException e) {
      closeAfter(statement, e);
      throw e;
    }
  }

  private static void closeAfter(Statement statement, Exception failure) {
    if (statement != null) {
      try {
        statement.close();
      } catch (SQLException e) {
        failure.addSuppressed(e);
      }
    }
  }

  /** Errors in what the user wrote exit 2; the engine's own failures exit 1. */
  private static QueryException classify(SQLException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    String lower = message.toLowerCase(Locale.ROOT);
    for (String userError : List.of("parser error", "binder error", "catalog error", "conversion error",
        "invalid input error", "out of range error", "not implemented error", "syntax error",
        "permission error", "constraint error", "dependency error")) {
      if (lower.startsWith(userError)) {
        return QueryException.badInput(message);
      }
    }
    return QueryException.failure(message, e);
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }

  /** A result being read; closing it frees the batches and the statement. */
  static final class Result implements AutoCloseable {
    private final Statement statement;
    private final DuckDBResultSet rows;
    private final ArrowReader reader;

    Result(Statement statement, DuckDBResultSet rows, ArrowReader reader) {
      this.statement = statement;
      this.rows = rows;
      this.reader = reader;
    }

    ArrowReader reader() {
      return reader;
    }

    @Override
    public void close() throws IOException, SQLException {
      Exception failure = null;
      for (AutoCloseable part : new AutoCloseable[] {reader, rows, statement}) {
        try {
          part.close();
        } catch (Exception e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      if (failure instanceof IOException io) {
        throw io;
      }
      if (failure instanceof SQLException sql) {
        throw sql;
      }
      if (failure instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (failure != null) {
        throw new IllegalStateException("cannot close a result", failure);
      }
    }
  }

  /** The query scanned a single-pass stream twice; run it again with materialised tables. */
  static final class StreamReusedException extends Exception {
    StreamReusedException(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * A table registered for one query. {@link #close} drops what DuckDB holds (the view points at
   * the stream's memory) before freeing the stream, and releases a stream DuckDB never took.
   */
  final class Registration implements AutoCloseable {
    private final String name;
    private final ArrowArrayStream stream;
    private final boolean copied;

    private Registration(String name, ArrowArrayStream stream, boolean copied) {
      this.name = name;
      this.stream = stream;
      this.copied = copied;
    }

    @Override
    public void close() throws SQLException {
      try (Statement st = connection.createStatement()) {
        if (copied) {
          st.execute("DROP VIEW IF EXISTS " + COPY_SOURCE_PREFIX + name);
          st.execute("DROP TABLE IF EXISTS " + name);
        } else {
          st.execute("DROP VIEW IF EXISTS " + name);
        }
      } finally {
        stream.release();
        stream.close();
      }
    }
  }
}
