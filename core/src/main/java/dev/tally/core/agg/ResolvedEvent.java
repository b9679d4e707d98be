package dev.tally.core.agg;

import dev.tally.core.event.Event;
import java.util.Objects;

/**
 * An event with the identity its counters go under: the user id when the visitor is known (by the
 * event itself or an earlier link), else the anonymous id.
 */
public record ResolvedEvent(Event event, String uid) {
  public ResolvedEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(uid, "uid");
  }

  /** Resolution without any stored links: the event's own user id, else its anonymous id. */
  public static ResolvedEvent unlinked(Event e) {
    String uid = e.header().userId() != null ? e.header().userId() : e.header().anonymousId();
    return new ResolvedEvent(e, uid);
  }
}
