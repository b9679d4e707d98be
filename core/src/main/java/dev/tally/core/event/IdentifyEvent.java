package dev.tally.core.event;

/** Ties traits to a user; with both ids present it links the anonymous visitor to the user. */
public record IdentifyEvent(EventHeader header, Props traits) implements Event {
  public IdentifyEvent {
    if (header == null) {
      throw new IllegalArgumentException("header is required");
    }
    traits = traits == null ? Props.empty() : traits;
  }

  @Override
  public String type() {
    return "identify";
  }
}
