package dev.tally.aggregator;

import dev.tally.core.event.Event;
import java.util.List;

/**
 * Port: keeps single events that can never be applied (the "bad rows"), with the reason, so the
 * rest of their batch is counted and an operator can inspect and re-drive them ({@code tally dlq}).
 * Throws an unchecked exception when an event could not be kept; the caller then retries it.
 */
public interface BadEvents {
  void keep(String storeId, Event event, String reason);

  /** A bad event as kept. */
  record Kept(String storeId, String key, Event event, String reason, java.time.Instant failedAt) {}

  /** The kept events of a store, oldest first (at most {@code limit}). */
  List<Kept> list(String storeId, int limit);

  /** Forgets a kept event (after it was re-driven). */
  void remove(String storeId, String key);
}
