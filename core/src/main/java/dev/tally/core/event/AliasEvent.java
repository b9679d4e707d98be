package dev.tally.core.event;

/** Links {@code previousId} (usually an anonymous id) to the header's {@code userId}. */
public record AliasEvent(EventHeader header, String previousId) implements Event {
  public AliasEvent {
    if (header == null) {
      throw new IllegalArgumentException("header is required");
    }
    if (header.userId() == null) {
      throw new IllegalArgumentException("userId is required for an alias call");
    }
    if (previousId == null || previousId.isBlank()) {
      throw new IllegalArgumentException("previousId is required for an alias call");
    }
    if (previousId.length() > EventHeader.MAX_ID_LENGTH) {
      throw new IllegalArgumentException("previousId is longer than " + EventHeader.MAX_ID_LENGTH);
    }
  }

  @Override
  public String type() {
    return "alias";
  }
}
