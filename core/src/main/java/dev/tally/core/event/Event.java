package dev.tally.core.event;

/** One accepted call from a storefront: track, page, identify or alias. */
public sealed interface Event permits TrackEvent, PageEvent, IdentifyEvent, AliasEvent {

  EventHeader header();

  /** Segment's {@code type} value. */
  String type();

  default String messageId() {
    return header().messageId();
  }

  /** Track and page calls are events; identify and alias only link identities. */
  default boolean isActivity() {
    return this instanceof TrackEvent || this instanceof PageEvent;
  }
}
