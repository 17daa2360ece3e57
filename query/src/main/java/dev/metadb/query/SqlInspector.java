package dev.metadb.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.metadb.event.Table;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides from DuckDB's own parse of a statement ({@code json_serialize_sql}) whether it may run,
 * and what it reads.
 *
 * <p>WHAT RUNS. Exactly one SELECT (DESCRIBE and SUMMARIZE of a SELECT included), reading only
 * metadb's event tables, common table expressions, and the generator table functions
 * {@link #ALLOWED_TABLE_FUNCTIONS}. {@code json_serialize_sql} serialises only SELECT statements,
 * so every other kind (INSERT, CREATE, COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA, EXPORT, CALL,
 * EXPLAIN, ...) is refused without being executed; a file named where a table belongs
 * ({@code FROM 'x.csv'}) and every other table function (read_csv, glob, query, ...) is refused
 * before DuckDB binds it. DuckDB's {@code enable_external_access=false} stands behind this as a
 * second wall.
 *
 * <p>WHAT IT READS. The event tables named, and the column names referenced anywhere: the
 * snapshot then holds those columns only. Over-inclusion (an alias that happens to be a column
 * name) costs a column; under-inclusion is impossible because every column reference is seen.
 * Where the columns a statement depends on are not all written out, nothing is pruned: {@code *},
 * {@code COLUMNS(...)}, a table alias used as a value, and joins whose condition is implied
 * ({@code NATURAL JOIN} matches every shared column, {@code JOIN ... USING} names columns that
 * are no column references).
 *
 * <p>NAMES BY SCOPE. A name in FROM is a common table expression only where that CTE is visible:
 * inside the query that defines it (a CTE's own body sees the CTEs defined before it, and
 * itself), never from a sibling or an enclosing query. Anything else must be an event table. So a
 * CTE named like one of DuckDB's catalog views cannot open that view to the rest of the statement.
 *
 * <p>LIMITS ({@link #checkLimits}), before any engine parses the text: at most {@link #MAX_CHARS}
 * characters and {@link #MAX_NESTING} levels of brackets; DuckDB's parser recurses per level and
 * deep enough input overflows the native stack (a crash, not an error).
 */
final class SqlInspector {
  static final Set<String> ALLOWED_TABLE_FUNCTIONS = Set.of("range", "generate_series", "unnest");
  /** The longest SQL text accepted, in characters. */
  static final int MAX_CHARS = 256 * 1024;
  /** The deepest nesting of ( and [ accepted (DuckDB's own expression limit is 1000). */
  static final int MAX_NESTING = 100;

  private final Map<Table, Integer> tables = new EnumMap<>(Table.class);
  private final Set<String> columnNames = new HashSet<>();
  private final Set<String> tableAliases = new HashSet<>();
  private final Set<String> unknownTables = new HashSet<>();
  private boolean allColumns;

  private SqlInspector() {}

  /**
   * Inspects {@code serialized}, the result of {@code json_serialize_sql(sql)}.
   *
   * @throws QueryException BAD_INPUT naming the refused statement, table function, file or
   *     unknown table; also for a parse error, with DuckDB's message ({@code parseError})
   */
  static SqlShape inspect(String sql, JsonNode serialized, ParseErrorSource parseError) throws QueryException {
    if (serialized.path("error").asBoolean(false)) {
      String type = serialized.path("error_type").asText("");
      if (type.equals("not implemented")) {
        throw refusedStatement(sql);
      }
      throw QueryException.badInput(parseError.message(sql, serialized.path("error_message").asText(type)));
    }
    JsonNode statements = serialized.path("statements");
    if (statements.size() == 0) {
      throw QueryException.badInput("no SQL statement given");
    }
    if (statements.size() > 1) {
      throw QueryException.badInput(
          "one statement per query: this text holds " + statements.size() + " (remove the extra ';')");
    }
    SqlInspector inspector = new SqlInspector();
    inspector.walk(statements.get(0), Scope.NONE);
    if (!inspector.unknownTables.isEmpty()) {
      String name = inspector.unknownTables.stream().sorted().findFirst().orElseThrow();
      throw QueryException.badInput(Table.unknownTableMessage(name));
    }
    for (String name : inspector.columnNames) {
      if (inspector.tableAliases.contains(name)) {
        inspector.allColumns = true;
      }
    }
    return new SqlShape(inspector.tables, inspector.columnNames, inspector.allColumns);
  }

  /** Gives DuckDB's full message for a statement that did not parse. */
  interface ParseErrorSource {
    String message(String sql, String fallback);
  }

  /**
   * Refuses SQL too long or too deeply nested to hand to a parser (exit 2). Counts ( and [ outside
   * string literals, quoted identifiers and comments.
   */
  static void checkLimits(String sql) throws QueryException {
    if (sql.length() > MAX_CHARS) {
      throw QueryException.badInput("the SQL is " + sql.length() + " characters long; metadb query accepts at most " + MAX_CHARS);
    }
    int depth = 0;
    int deepest = 0;
    int n = sql.length();
    for (int i = 0; i < n; i++) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        int end = sql.indexOf(c, i + 1);
        i = end < 0 ? n : end;
      } else if (sql.startsWith("--", i)) {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end;
      } else if (sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 1;
      } else if (c == '(' || c == '[') {
        deepest = Math.max(deepest, ++depth);
      } else if (c == ')' || c == ']') {
        depth--;
      }
    }
    if (deepest > MAX_NESTING) {
      throw QueryException.badInput(
          "the SQL nests " + deepest + " levels of brackets deep; metadb query accepts at most " + MAX_NESTING);
    }
  }

  /** The CTE names visible at a point of the statement: an immutable chain, innermost first. */
  private record Scope(String name, Scope outer) {
    static final Scope NONE = new Scope(null, null);

    Scope with(String cte) {
      return new Scope(cte, this);
    }

    boolean sees(String table) {
      for (Scope s = this; s != null; s = s.outer) {
        if (table.equals(s.name)) {
          return true;
        }
      }
      return false;
    }
  }

  private void walk(JsonNode node, Scope scope) throws QueryException {
    if (node.isArray()) {
      for (JsonNode child : node) {
        walk(child, scope);
      }
      return;
    }
    if (!node.isObject()) {
      return;
    }
    JsonNode ctes = node.path("cte_map").path("map");
    Scope inner = scope;
    for (JsonNode cte : ctes) {
      // A CTE's body sees the CTEs before it and itself (WITH RECURSIVE), not the ones after.
      inner = inner.with(cte.path("key").asText().toLowerCase(Locale.ROOT));
      walk(cte.path("value"), inner);
    }
    String type = node.path("type").asText("");
    String nodeClass = node.path("class").asText("");
    switch (type) {
      case "BASE_TABLE" -> tableReference(node, inner);
      case "JOIN" -> {
        if (node.path("ref_type").asText("").equals("NATURAL") || node.path("using_columns").size() > 0) {
          allColumns = true;
        }
      }
      case "TABLE_FUNCTION" -> tableFunction(node);
      case "SHOW_REF" -> showReference(node);
      default -> { }
    }
    switch (nodeClass) {
      case "COLUMN_REF" -> {
        for (JsonNode name : node.path("column_names")) {
          columnNames.add(name.asText().toLowerCase(Locale.ROOT));
        }
      }
      case "STAR" -> allColumns = true;
      default -> { }
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!field.getKey().equals("cte_map")) {
        walk(field.getValue(), inner);
      }
    }
  }

  private void tableReference(JsonNode node, Scope scope) throws QueryException {
    String name = node.path("table_name").asText();
    String schema = node.path("schema_name").asText("");
    String catalog = node.path("catalog_name").asText("");
    if (looksLikeFile(name)) {
      throw QueryException.badInput(
          "refused: '" + name + "' names a file; metadb query reads only meta.db's tables: " + Table.names());
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (schema.isEmpty() && catalog.isEmpty() && scope.sees(lower)) {
      return;
    }
    if (!schema.isEmpty() || !catalog.isEmpty()) {
      String qualified = (catalog.isEmpty() ? "" : catalog + ".") + (schema.isEmpty() ? "" : schema + ".") + name;
      throw QueryException.badInput(Table.unknownTableMessage(qualified));
    }
    Table.byName(lower).ifPresentOrElse(
        table -> {
          tables.merge(table, 1, Integer::sum);
          tableAliases.add(lower);
          String alias = node.path("alias").asText("");
          if (!alias.isEmpty()) {
            tableAliases.add(alias.toLowerCase(Locale.ROOT));
          }
        },
        () -> unknownTables.add(lower));
  }

  private void tableFunction(JsonNode node) throws QueryException {
    String function = node.path("function").path("function_name").asText("");
    if (!ALLOWED_TABLE_FUNCTIONS.contains(function.toLowerCase(Locale.ROOT))) {
      throw QueryException.badInput(
          "refused: the table function " + function + "() reads outside meta.db; metadb query reads only"
              + " these tables: " + Table.names());
    }
  }

  private void showReference(JsonNode node) throws QueryException {
    if (!node.path("query").isNull() && !node.path("query").isMissingNode()) {
      return;
    }
    String name = node.path("table_name").asText("").replace("\"", "").toLowerCase(Locale.ROOT);
    if (Table.byName(name).isPresent()) {
      tables.merge(Table.byName(name).orElseThrow(), 1, Integer::sum);
      allColumns = true;
      return;
    }
    throw QueryException.badInput("SHOW " + name + " is not available here; the tables are: " + Table.names());
  }

  private static boolean looksLikeFile(String name) {
    return name.contains("/") || name.contains("\\") || name.contains(".") || name.contains(":");
  }

  private static QueryException refusedStatement(String sql) {
    String keyword = firstKeyword(sql);
    String what = keyword.isEmpty() ? "this statement" : keyword + " statements";
    String hint = switch (keyword) {
      case "COPY", "EXPORT" -> " (to write results to a file use --out FILE, or metadb export DIR)";
      case "ATTACH", "DETACH", "USE" -> " (only meta.db's tables can be queried)";
      case "INSTALL", "LOAD", "FORCE", "UPDATE EXTENSIONS" -> " (extensions are off: metadb runs offline)";
      case "SET", "RESET", "PRAGMA" -> " (the engine's settings are locked)";
      default -> "";
    };
    return QueryException.badInput(
        "refused: " + what + " cannot run here; metadb query runs one read-only SELECT over meta.db's tables" + hint);
  }

  /** The first word of {@code sql}, upper case, after comments, blanks and opening parentheses. */
  static String firstKeyword(String sql) {
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c) || c == '(') {
        i++;
      } else if (sql.startsWith("--", i)) {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? n : end + 1;
      } else if (sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else {
        break;
      }
    }
    int start = i;
    while (i < n && (Character.isLetter(sql.charAt(i)) || sql.charAt(i) == '_')) {
      i++;
    }
    return sql.substring(start, i).toUpperCase(Locale.ROOT);
  }
}
