package dev.tally.core.port;

import dev.tally.core.event.Event;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Port: message ids a store has accepted. Ingest pins each new id's identity and timestamp before
 * publishing and remembers the id as published after. A crash in between leaves a pin: a client
 * retry of that id is then published again <em>with the pinned identity and timestamp</em>,
 * whatever the retry carries (an added anonymous id, a clock that moved it across midnight), so it
 * lands on the same device-day as the first copy and the aggregator's marks drop it.
 * Implementations throw {@link dev.tally.core.error.RetryableException} when unavailable.
 */
public interface DedupStore {
  /** The identity and time an id was first accepted with. */
  record Pin(String anonymousId, String userId, Instant timestamp) {}

  /** The subset of {@code messageIds} already published for this store. */
  Set<String> seen(String storeId, Collection<String> messageIds);

  /** Ids pinned but not (known to be) published, with their pins. */
  Map<String, Pin> pinned(String storeId, Collection<String> messageIds);

  /** Pins the identity and timestamp of new events, before they are published. */
  void pin(String storeId, Collection<Event> events);

  /** Marks ids as published. */
  void remember(String storeId, Collection<String> messageIds);
}
