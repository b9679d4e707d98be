package dev.tally.core.event;

/** A page view; {@code name} is optional, as in Segment. */
public record PageEvent(EventHeader header, String name, Props properties) implements Event {
  public PageEvent {
    if (header == null) {
      throw new IllegalArgumentException("header is required");
    }
    properties = properties == null ? Props.empty() : properties;
  }

  @Override
  public String type() {
    return "page";
  }
}
