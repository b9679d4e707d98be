package dev.tally.hooks;

import java.util.List;

/**
 * Delivers order events to Tally. A call either accepts the whole list or throws.
 *
 * <p>Throws {@link RetryableSendException} when the same call may succeed later (network error,
 * 429, 5xx) and {@link PermanentSendException} when it never will (other 4xx).
 */
public interface EventSender {
  void send(List<OrderEvent> events);
}
