package dev.tally.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.agg.OrderMath;
import dev.tally.core.error.PayloadTooLargeException;
import dev.tally.core.error.ValidationException;
import dev.tally.core.money.Money;
import dev.tally.core.time.IsoInstants;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Turns one Segment-style JSON call into a validated {@link Event}, with precise errors.
 *
 * <p>Clock skew is corrected as Segment does: {@code timestamp = receivedAt - (sentAt -
 * originalTimestamp)}.
 */
public final class EventParser {
  private static final Set<String> TYPES = Set.of("track", "page", "identify", "alias");
  private static final List<String> AMOUNT_FIELDS =
      List.of("price", "revenue", "total", "subtotal", "value", "tax", "shipping", "discount");

  /** Units of one product line. */
  public static final int MAX_QUANTITY = 10_000;

  /**
   * The most one event's amount field, product line or order total may be, in minor units (1
   * billion USD). With ingest's per-key rate limit, a day's sum on any item stays far below {@code
   * Long.MAX_VALUE} (9.2e18): 9.2e7 maximal orders a day would be needed to overflow one item.
   */
  public static final long MAX_AMOUNT_MINOR = 100_000_000_000L;

  /** Longest product id or sku: they become attribute names of the product-day items. */
  public static final int MAX_PRODUCT_ID_LENGTH = EventHeader.MAX_ID_LENGTH;

  /** Client timestamps further than this from the receive time are refused before any math. */
  private static final Duration MAX_CLOCK_DISTANCE = Duration.ofDays(100 * 366L);

  private final ParseOptions options;
  private final Supplier<String> messageIds;

  public EventParser(ParseOptions options, Supplier<String> messageIds) {
    this.options = options;
    this.messageIds = messageIds;
  }

  public EventParser(ParseOptions options) {
    this(options, () -> UUID.randomUUID().toString());
  }

  /**
   * The batch-level fields that apply to every call in a request.
   *
   * @param requestBytes size of the whole request as sent; events of a request no larger than the
   *     per-event limit need no measuring ({@link Integer#MAX_VALUE} when unknown)
   */
  public record BatchContext(
      Instant receivedAt, JsonNode sentAt, JsonNode context, int requestBytes) {
    public static BatchContext at(Instant receivedAt) {
      return new BatchContext(receivedAt, null, null, Integer.MAX_VALUE);
    }
  }

  /**
   * Parses one call.
   *
   * @param node the call's JSON object
   * @param impliedType the type given by the endpoint ({@code /v1/track}), or null for batch
   * @param storeCurrency the currency amounts are checked against when the event names none
   * @throws ValidationException naming the field and the problem
   */
  public Event parse(
      JsonNode node, String impliedType, BatchContext batch, Currency storeCurrency) {
    if (node == null || !node.isObject()) {
      throw invalid("invalid_event", "each event must be a JSON object");
    }
    // Measuring means re-serializing; skip it when the whole request is within the event limit.
    if (batch.requestBytes() > options.maxEventBytes()) {
      int size = node.toString().getBytes(StandardCharsets.UTF_8).length;
      if (size > options.maxEventBytes()) {
        throw new PayloadTooLargeException(
            "event is " + size + " bytes; the limit is " + options.maxEventBytes() + " bytes");
      }
    }
    String type = typeOf(node, impliedType);
    EventHeader header = header(node, batch);
    try {
      return switch (type) {
        case "track" -> {
          String name = optionalString(node, "event");
          if (name == null) {
            throw invalid("missing_field", "event is required for a track call");
          }
          Props props = props(node, "properties");
          checkProductIds(props);
          checkAmounts(name, props, storeCurrency);
          yield new TrackEvent(header, name, props);
        }
        case "page" ->
            new PageEvent(header, optionalString(node, "name"), props(node, "properties"));
        case "identify" -> new IdentifyEvent(header, props(node, "traits"));
        case "alias" -> {
          if (header.userId() == null) {
            throw invalid("missing_field", "userId is required for an alias call");
          }
          String previous = optionalString(node, "previousId");
          if (previous == null) {
            throw invalid("missing_field", "previousId is required for an alias call");
          }
          yield new AliasEvent(header, previous);
        }
        default -> throw new IllegalStateException(type);
      };
    } catch (IllegalArgumentException e) {
      throw invalid("invalid_field", e.getMessage());
    }
  }

  private static String typeOf(JsonNode node, String impliedType) {
    JsonNode t = node.get("type");
    if (t == null || t.isNull()) {
      if (impliedType == null) {
        throw invalid("missing_field", "type is required for each event in a batch");
      }
      return impliedType;
    }
    if (!t.isTextual()) {
      throw invalid("invalid_type", "type must be a string");
    }
    String type = t.textValue();
    if (!TYPES.contains(type)) {
      throw invalid(
          "unknown_type",
          "type '" + abbreviate(type) + "' is not supported; use track, page, identify or alias");
    }
    if (impliedType != null && !impliedType.equals(type)) {
      throw invalid(
          "invalid_type",
          "type '" + type + "' does not match the /v1/" + impliedType + " endpoint");
    }
    return type;
  }

  private EventHeader header(JsonNode node, BatchContext batch) {
    String messageId = optionalString(node, "messageId");
    if (messageId == null) {
      messageId = messageIds.get();
    }
    String anonymousId = optionalString(node, "anonymousId");
    String userId = optionalString(node, "userId");
    if (anonymousId == null && userId == null) {
      throw invalid("missing_identity", "userId or anonymousId is required");
    }
    for (String[] f :
        new String[][] {
          {"messageId", messageId}, {"anonymousId", anonymousId}, {"userId", userId}
        }) {
      if (f[1] != null && f[1].length() > EventHeader.MAX_ID_LENGTH) {
        throw invalid(
            "invalid_field",
            f[0] + " is " + f[1].length() + " characters; at most " + EventHeader.MAX_ID_LENGTH);
      }
    }
    Instant receivedAt = batch.receivedAt();
    Instant original = instant(node, "originalTimestamp");
    if (original == null) {
      original = instant(node, "timestamp");
    }
    Instant sentAt = instant(node, "sentAt");
    if (sentAt == null && batch.sentAt() != null && !batch.sentAt().isNull()) {
      sentAt = instantValue("sentAt", batch.sentAt());
    }
    checkDistance("originalTimestamp", original, receivedAt);
    checkDistance("sentAt", sentAt, receivedAt);
    Instant timestamp;
    if (original == null) {
      timestamp = receivedAt;
    } else if (sentAt != null) {
      timestamp = receivedAt.minus(Duration.between(original, sentAt));
    } else {
      timestamp = original;
    }
    if (timestamp.isAfter(receivedAt.plus(options.maxFuture()))) {
      throw invalid(
          "timestamp_in_future",
          "timestamp "
              + timestamp
              + " is more than "
              + options.maxFuture().toHours()
              + " h in the future; check the client clock");
    }
    if (timestamp.isBefore(receivedAt.minus(options.maxAge()))) {
      throw invalid(
          "timestamp_too_old",
          "timestamp "
              + timestamp
              + " is older than "
              + options.maxAge().toDays()
              + " days; send historical events to /v1/import");
    }
    Props context = props(node, "context");
    if (context.isEmpty() && batch.context() != null && batch.context().isObject()) {
      context = Props.of(batch.context());
    }
    return new EventHeader(
        messageId, anonymousId, userId, timestamp, original, sentAt, receivedAt, context);
  }

  /** Refuses client times so far off that correcting skew with them would overflow. */
  private static void checkDistance(String field, Instant t, Instant receivedAt) {
    if (t != null
        && (t.isBefore(receivedAt.minus(MAX_CLOCK_DISTANCE))
            || t.isAfter(receivedAt.plus(MAX_CLOCK_DISTANCE)))) {
      throw invalid(
          "invalid_timestamp",
          field + " " + abbreviate(t.toString()) + " is more than 100 years from now");
    }
  }

  /** Product ids become item attribute names: bounded so no item can be filled by a few ids. */
  private static void checkProductIds(Props props) {
    checkIds("properties", props.json());
    JsonNode products = props.get("products");
    if (products != null && products.isArray()) {
      for (int i = 0; i < products.size(); i++) {
        if (products.get(i).isObject()) {
          checkIds("properties.products[" + i + "]", products.get(i));
        }
      }
    }
  }

  private static void checkIds(String path, JsonNode obj) {
    for (String idField : List.of("product_id", "sku", "order_id")) {
      JsonNode id = obj.get(idField);
      if (id != null && id.isTextual() && id.textValue().length() > MAX_PRODUCT_ID_LENGTH) {
        throw invalid(
            "invalid_field",
            path
                + "."
                + idField
                + " is "
                + id.textValue().length()
                + " characters; at most "
                + MAX_PRODUCT_ID_LENGTH);
      }
    }
  }

  private static void checkAmounts(String event, Props props, Currency storeCurrency) {
    if (!Ecommerce.WITH_MONEY.contains(event)) {
      return;
    }
    Currency currency = storeCurrency;
    JsonNode c = props.get("currency");
    if (c != null && !c.isNull()) {
      if (!c.isTextual()) {
        throw invalid("invalid_field", "properties.currency must be a string");
      }
      try {
        currency = Money.currency(c.textValue());
      } catch (IllegalArgumentException e) {
        throw invalid("invalid_field", "properties." + e.getMessage());
      }
    }
    checkAmountFields("properties", props.json(), currency);
    JsonNode products = props.get("products");
    if (products != null && !products.isNull()) {
      if (!products.isArray()) {
        throw invalid("invalid_type", "properties.products must be an array");
      }
      for (int i = 0; i < products.size(); i++) {
        JsonNode p = products.get(i);
        if (!p.isObject()) {
          throw invalid("invalid_type", "properties.products[" + i + "] must be an object");
        }
        checkAmountFields("properties.products[" + i + "]", p, currency);
      }
    }
    // What the aggregator will add: each line (price x quantity) and the order's revenue.
    try {
      long total = 0;
      for (OrderMath.Line line : OrderMath.lines(props, currency)) {
        if (line.revenueMinor() > MAX_AMOUNT_MINOR) {
          throw invalid(
              "invalid_amount",
              "properties.products: price x quantity of "
                  + line.productId()
                  + " is above the limit of "
                  + Money.format(MAX_AMOUNT_MINOR, currency));
        }
        total = Math.addExact(total, line.revenueMinor());
      }
      long revenue = OrderMath.revenueMinor(props, currency);
      if (revenue > MAX_AMOUNT_MINOR || total > MAX_AMOUNT_MINOR) {
        throw invalid(
            "invalid_amount",
            "properties: the order's revenue is above the limit of "
                + Money.format(MAX_AMOUNT_MINOR, currency));
      }
    } catch (ArithmeticException e) {
      throw invalid("invalid_amount", "properties.products: the order's total is too large");
    }
  }

  private static void checkAmountFields(String path, JsonNode obj, Currency currency) {
    for (String field : AMOUNT_FIELDS) {
      JsonNode v = obj.get(field);
      if (v == null || v.isNull()) {
        continue;
      }
      if (!v.isNumber()) {
        throw invalid("invalid_amount", path + "." + field + " must be a number");
      }
      BigDecimal amount = v.decimalValue();
      long minor;
      try {
        minor = Money.toMinor(field.equals("discount") ? amount.abs() : amount, currency);
      } catch (IllegalArgumentException e) {
        throw invalid("invalid_amount", path + "." + field + " " + e.getMessage());
      }
      if (minor > MAX_AMOUNT_MINOR) {
        throw invalid(
            "invalid_amount",
            path
                + "."
                + field
                + " is above the limit of "
                + Money.format(MAX_AMOUNT_MINOR, currency)
                + " "
                + currency.getCurrencyCode());
      }
    }
    JsonNode q = obj.get("quantity");
    if (q != null && !q.isNull()) {
      if (!q.isIntegralNumber() || q.asLong() < 1 || q.asLong() > MAX_QUANTITY) {
        throw invalid(
            "invalid_field", path + ".quantity must be a whole number from 1 to " + MAX_QUANTITY);
      }
    }
    for (String idField : List.of("product_id", "sku", "order_id")) {
      JsonNode id = obj.get(idField);
      if (id != null && !id.isNull() && !(id.isTextual() || id.isIntegralNumber())) {
        throw invalid("invalid_type", path + "." + idField + " must be a string");
      }
    }
  }

  private static Props props(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Props.empty();
    }
    if (!v.isObject()) {
      throw invalid("invalid_type", field + " must be a JSON object");
    }
    return Props.of(v);
  }

  private static String optionalString(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw invalid("invalid_type", field + " must be a string");
    }
    String s = v.textValue();
    if (s.isBlank()) {
      return null;
    }
    return s;
  }

  private static Instant instant(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    return instantValue(field, v);
  }

  private static Instant instantValue(String field, JsonNode v) {
    if (!v.isTextual()) {
      throw invalid("invalid_type", field + " must be an ISO-8601 string");
    }
    try {
      return IsoInstants.parseWithOffset(v.textValue());
    } catch (java.time.DateTimeException e) {
      throw invalid(
          "invalid_field",
          field + " '" + abbreviate(v.textValue()) + "' is not an ISO-8601 date-time with offset");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "…";
  }

  private static ValidationException invalid(String code, String message) {
    return new ValidationException(code, message);
  }
}
