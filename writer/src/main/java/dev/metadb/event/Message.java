package dev.metadb.event;

/** A message seen on a channel: what came in, what went out. */
public record Message(
    @Required String source,
    @Required Direction direction,
    String chatId,
    String fromAgent,
    String toAgent,
    String body,
    String rawJson)
    implements Event {

  public enum Direction implements EnumValue {
    INBOUND, OUTBOUND;

    @Override
    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
