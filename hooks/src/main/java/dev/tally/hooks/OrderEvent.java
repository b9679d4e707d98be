package dev.tally.hooks;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An authoritative order event computed by the store's back end. Its messageId is deterministic, so
 * every resend of the same event is deduplicated by Tally's ingest.
 *
 * @param revenue the amount this event moves, as computed by the server (for refunds and
 *     cancellations: the amount given back, as a positive number)
 */
public record OrderEvent(
    OrderEventKind kind,
    String orderId,
    String userId,
    String anonymousId,
    BigDecimal revenue,
    BigDecimal total,
    String currency,
    List<OrderLine> products,
    Instant timestamp) {

  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  public OrderEvent {
    Objects.requireNonNull(kind, "kind cannot be null");
    orderId = Checks.notBlank(orderId, "orderId");
    if (orderId.contains("#")) {
      throw new IllegalArgumentException("orderId cannot contain '#': " + orderId);
    }
    userId = Checks.blankToNull(userId);
    anonymousId = Checks.blankToNull(anonymousId);
    if (userId == null && anonymousId == null) {
      throw new IllegalArgumentException("userId or anonymousId must be set.");
    }
    Objects.requireNonNull(revenue, "revenue cannot be null");
    Objects.requireNonNull(total, "total cannot be null");
    if (currency == null || !CURRENCY.matcher(currency).matches()) {
      throw new IllegalArgumentException(
          "currency must be an ISO 4217 code like USD, was " + currency);
    }
    products = List.copyOf(Objects.requireNonNull(products, "products cannot be null"));
    // Milliseconds, like every Segment library: some ISO parsers reject nanosecond fractions.
    timestamp =
        Objects.requireNonNull(timestamp, "timestamp cannot be null")
            .truncatedTo(ChronoUnit.MILLIS);
  }

  /** {@code order-<orderId>-<kind>}: the same for every resend of this event. */
  public String messageId() {
    return "order-" + orderId + "-" + kind.idSuffix();
  }
}
