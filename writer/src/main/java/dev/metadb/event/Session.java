package dev.metadb.event;

/** An agent session going up, down, or noting something. */
public record Session(@Required String agent, Long sessionNum, @Required Kind event)
    implements Event {

  public enum Kind implements EnumValue {
    UP, DOWN, NOTE;

    @Override
    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
