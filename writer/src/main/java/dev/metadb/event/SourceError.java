package dev.metadb.event;

/** Errors from one input source, classified. */
public record SourceError(
    @Required String source, @Required ErrorClass errorClass, Long count, String detailJson)
    implements Event {

  public enum ErrorClass implements EnumValue {
    TIMEOUT, AUTH_FAILURE, RATE_LIMIT, NETWORK_ERROR, PROTOCOL_ERROR, NOT_FOUND, PERMISSION_DENIED,
    UNKNOWN;

    @Override
    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
