package dev.metadb.event;

/** A peer-to-peer (iroh) connection event. */
public record IrohEvent(@Required EventType eventType, String peerHash, String detailJson)
    implements Event {

  public enum EventType implements EnumValue {
    CONNECT, DISCONNECT, EVICT, RECONNECT, ERROR;

    @Override
    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
