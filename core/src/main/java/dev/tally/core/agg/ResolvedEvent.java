package dev.tally.core.agg;

import dev.tally.core.event.Event;
import java.util.Objects;

/**
 * An event with the identity its counters go under: its own user id when it carries one, else its
 * anonymous id. Links to other ids are merged when read, never moved at write time.
 */
public record ResolvedEvent(Event event, String uid) {
  public ResolvedEvent {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(uid, "uid");
  }

  /** The event under its own ids: its user id, else its anonymous id. */
  public static ResolvedEvent unlinked(Event e) {
    String uid = e.header().userId() != null ? e.header().userId() : e.header().anonymousId();
    return new ResolvedEvent(e, uid);
  }
}
