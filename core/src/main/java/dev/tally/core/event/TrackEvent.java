package dev.tally.core.event;

/** A named action, such as {@code Product Viewed} or {@code Order Completed}. */
public record TrackEvent(EventHeader header, String event, Props properties) implements Event {
  public static final int MAX_EVENT_NAME = 200;

  public TrackEvent {
    if (header == null) {
      throw new IllegalArgumentException("header is required");
    }
    if (event == null || event.isBlank()) {
      throw new IllegalArgumentException("event is required for a track call");
    }
    if (event.length() > MAX_EVENT_NAME) {
      throw new IllegalArgumentException("event name is longer than " + MAX_EVENT_NAME);
    }
    properties = properties == null ? Props.empty() : properties;
  }

  @Override
  public String type() {
    return "track";
  }
}
