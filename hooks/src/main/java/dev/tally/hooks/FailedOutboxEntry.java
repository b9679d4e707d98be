package dev.tally.hooks;

import java.time.Instant;
import java.util.Optional;

/**
 * An outbox item Tally rejected for good (or that could not be read), kept for an operator.
 *
 * @param sortKey its sort key, {@code <createdAt>#<orderId>#<kind>}, as it was while pending
 * @param payload the stored track message JSON ({@code "-"} when the item had none)
 * @param error why it failed, e.g. {@code HTTP 400 ...}
 * @param failedAt when it was moved to failed; null if the stored time was unreadable
 */
public record FailedOutboxEntry(String sortKey, String payload, String error, Instant failedAt) {
  public FailedOutboxEntry {
    sortKey = Checks.notBlank(sortKey, "sortKey");
    payload = Checks.notBlank(payload, "payload");
    error = Checks.notBlank(error, "error");
  }

  /** The event it carries, when the payload is a readable order event. */
  public Optional<OrderEvent> event() {
    try {
      return Optional.of(OrderEventJson.fromJson(payload));
    } catch (IllegalArgumentException unreadable) {
      return Optional.empty();
    }
  }
}
