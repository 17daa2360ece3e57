package dev.metadb.event;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The 16 event tables. A table's columns are its record's components, in declaration order;
 * this is the single definition of the schema that validation, the codec, the SQLite DDL and
 * the Arrow schema are all derived from.
 */
public enum Table {
  MESSAGES("messages", Message.class),
  CLI_INVOCATIONS("cli_invocations", CliInvocation.class),
  CRASHES("crashes", Crash.class),
  TICKS("ticks", Tick.class),
  WORKSPACES("workspaces", Workspace.class),
  SESSIONS("sessions", Session.class),
  CLONE_DISPATCHES("clone_dispatches", CloneDispatch.class),
  HARVEST_EVENTS("harvest_events", HarvestEvent.class),
  COMMUNICATION_EVENTS("communication_events", CommunicationEvent.class),
  MCP_TOOL_CALLS("mcp_tool_calls", McpToolCall.class),
  GIT_OPERATIONS("git_operations", GitOperation.class),
  OWNER_DIRECTIVES("owner_directives", OwnerDirective.class),
  TOKEN_USAGE("token_usage", TokenUsage.class),
  WATCHDOG_EVENTS("watchdog_events", WatchdogEvent.class),
  SOURCE_ERRORS("source_errors", SourceError.class),
  IROH_EVENTS("iroh_events", IrohEvent.class);

  private static final Map<String, Table> BY_NAME =
      Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Table::sqlName, Function.identity()));
  private static final ClassValue<Table> BY_CLASS =
      new ClassValue<>() {
        @Override
        protected Table computeValue(Class<?> type) {
          for (Table table : values()) {
            if (table.recordType == type) {
              return table;
            }
          }
          throw new IllegalArgumentException("not an event record: " + type.getName());
        }
      };

  private final String sqlName;
  private final Class<? extends Event> recordType;
  private final List<Column> columns;
  private final Map<String, Integer> columnIndex;
  private final Constructor<? extends Event> constructor;

  Table(String sqlName, Class<? extends Event> recordType) {
    this.sqlName = sqlName;
    this.recordType = recordType;
    RecordComponent[] components = recordType.getRecordComponents();
    List<Column> cols = new ArrayList<>(components.length);
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      cols.add(column(components[i]));
      types[i] = components[i].getType();
    }
    this.columns = List.copyOf(cols);
    this.columnIndex = IntStream.range(0, cols.size()).boxed()
        .collect(Collectors.toUnmodifiableMap(i -> cols.get(i).name(), Function.identity()));
    try {
      this.constructor = recordType.getDeclaredConstructor(types);
    } catch (NoSuchMethodException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The table's name in the envelope and in SQLite, e.g. {@code cli_invocations}. */
  public String sqlName() {
    return sqlName;
  }

  /** The record type whose components are this table's columns. */
  public Class<? extends Event> recordType() {
    return recordType;
  }

  /** The table's own columns in order, without the envelope columns. */
  public List<Column> columns() {
    return columns;
  }

  /** The column called {@code name}, if this table has one. */
  public Optional<Column> column(String name) {
    int index = columnIndex(name);
    return index < 0 ? Optional.empty() : Optional.of(columns.get(index));
  }

  /** The position in {@link #columns()} of the column called {@code name}, or -1 if there is none. */
  public int columnIndex(String name) {
    Integer index = columnIndex.get(name);
    return index == null ? -1 : index;
  }

  /** The table called {@code name}, if there is one. */
  public static Optional<Table> byName(String name) {
    return Optional.ofNullable(BY_NAME.get(name));
  }

  /** The table an event belongs to. */
  public static Table of(Event event) {
    return BY_CLASS.get(event.getClass());
  }

  /** Every table name, sorted, for error messages. */
  public static String names() {
    return Arrays.stream(values()).map(Table::sqlName).sorted().collect(Collectors.joining(", "));
  }

  /** {@code "did you mean 'TABLE'? "} for the table nearest to a mistyped name, or "" ({@link NearestName}). */
  public static String didYouMean(String name) {
    return NearestName.didYouMean(name, BY_NAME.keySet());
  }

  /** What a command says of a table name that is none: the nearest table, then every table. */
  public static String unknownTableMessage(String name) {
    return "unknown table " + name + "; " + didYouMean(name) + "the tables are: " + names();
  }

  /**
   * Builds this table's record from values already checked against {@link #columns()} (one per
   * column, in order). Callers validate first: {@link EventValidator} is the only producer.
   */
  Event newRecord(Object[] values) {
    try {
      return constructor.newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + sqlName + " record", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Column column(RecordComponent component) {
    String javaName = component.getName();
    String name = snakeCase(javaName);
    Class<?> type = component.getType();
    ColumnType columnType;
    List<String> allowed = List.of();
    Class<? extends Enum<?>> enumType = null;
    if (type == String.class) {
      columnType = javaName.endsWith("Json") ? ColumnType.JSON : ColumnType.TEXT;
    } else if (type == Long.class) {
      columnType = ColumnType.INTEGER;
    } else if (type == Boolean.class) {
      columnType = ColumnType.BOOLEAN;
    } else if (type == Instant.class) {
      columnType = ColumnType.TIMESTAMP;
    } else if (type.isEnum() && EnumValue.class.isAssignableFrom(type)) {
      columnType = ColumnType.ENUM;
      enumType = (Class<? extends Enum<?>>) type;
      allowed =
          Arrays.stream(type.getEnumConstants()).map(c -> ((EnumValue) c).wire()).toList();
    } else {
      throw new ExceptionInInitializerError("unsupported column type " + type + " for " + javaName);
    }
    return new Column(
        name, columnType, component.isAnnotationPresent(Required.class), allowed, enumType, component.getAccessor());
  }

  private static String snakeCase(String camel) {
    StringBuilder out = new StringBuilder(camel.length() + 4);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        out.append('_').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }
}
