package dev.metadb.event;

/**
 * One observability event: the closed set of the 16 tables metadb stores.
 *
 * <p>Every implementation is a record whose components are the table's columns, in column
 * order, named in camelCase for the snake_case column ({@code rawJson} is {@code raw_json}).
 * {@link Table} derives the column list from the components, so adding a column is adding a
 * component: the codec, validation, SQLite DDL and Arrow schema all follow from it.
 *
 * <p>Component types are closed too: {@code String} (TEXT; a name ending in {@code Json} is
 * JSON text), {@code Long} (INTEGER), {@code Boolean}, {@code java.time.Instant} (TIMESTAMP)
 * or one of the {@link EnumValue} enums. Every component may be null unless {@link Required}.
 */
public sealed interface Event
    permits Message, CliInvocation, Crash, Tick, Workspace, Session, CloneDispatch, HarvestEvent,
        CommunicationEvent, McpToolCall, GitOperation, OwnerDirective, TokenUsage, WatchdogEvent,
        SourceError, IrohEvent {

  /** The table this event belongs to. */
  default Table table() {
    return Table.of(this);
  }
}
