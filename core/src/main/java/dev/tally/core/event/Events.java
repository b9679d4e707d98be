package dev.tally.core.event;

import java.time.Instant;

/** Small transformations of events that keep everything but what they name. */
public final class Events {
  private Events() {}

  /** The event with another identity and timestamp (the rest of its header and body kept). */
  public static Event withIdentity(Event e, String anonymousId, String userId, Instant timestamp) {
    EventHeader h = e.header();
    EventHeader n =
        new EventHeader(
            h.messageId(),
            anonymousId,
            userId,
            timestamp,
            h.originalTimestamp(),
            h.sentAt(),
            h.receivedAt(),
            h.context());
    if (e instanceof TrackEvent t) {
      return new TrackEvent(n, t.event(), t.properties());
    }
    if (e instanceof PageEvent p) {
      return new PageEvent(n, p.name(), p.properties());
    }
    if (e instanceof IdentifyEvent i) {
      return new IdentifyEvent(n, i.traits());
    }
    AliasEvent a = (AliasEvent) e;
    return new AliasEvent(n, a.previousId());
  }
}
