package dev.tally.testkit.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventParser;
import dev.tally.core.event.Json;
import dev.tally.core.event.ParseOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.Currency;

/**
 * A test event as the storefront meant it: its true time, plus how wrong the client's clock was.
 * {@link #toEvent()} sends it through the real parser (which must undo the skew); the oracle uses
 * {@link #at()} directly.
 */
public record RawEvent(
    String type,
    String messageId,
    String anonymousId,
    String userId,
    String name,
    ObjectNode properties,
    String previousId,
    Instant at,
    Duration clockSkew,
    ObjectNode context) {

  /** A call without a {@code context} object (a server-side call, or one that does not matter). */
  public RawEvent(
      String type,
      String messageId,
      String anonymousId,
      String userId,
      String name,
      ObjectNode properties,
      String previousId,
      Instant at,
      Duration clockSkew) {
    this(type, messageId, anonymousId, userId, name, properties, previousId, at, clockSkew, null);
  }

  /**
   * A storefront's Segment-style call (as {@link dev.tally.core.sim.Workload} generates them),
   * taken at its word: its timestamp is its true time and the client clock was right.
   */
  public static RawEvent fromSegment(JsonNode n) {
    String type = n.path("type").asText();
    JsonNode props = type.equals("identify") ? n.get("traits") : n.get("properties");
    return new RawEvent(
        type,
        n.path("messageId").asText(),
        text(n, "anonymousId"),
        text(n, "userId"),
        type.equals("track") ? text(n, "event") : text(n, "name"),
        props instanceof ObjectNode o ? o.deepCopy() : null,
        text(n, "previousId"),
        Instant.parse(n.path("timestamp").asText()),
        Duration.ZERO,
        n.get("context") instanceof ObjectNode c ? c.deepCopy() : null);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** The event as the aggregator receives it: parsed from client JSON with a skewed clock. */
  public Event toEvent() {
    Instant receivedAt = at.plusSeconds(2);
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("type", type);
    n.put("messageId", messageId);
    if (anonymousId != null) {
      n.put("anonymousId", anonymousId);
    }
    if (userId != null) {
      n.put("userId", userId);
    }
    if (type.equals("track")) {
      n.put("event", name);
    }
    if (type.equals("page") && name != null) {
      n.put("name", name);
    }
    if (properties != null) {
      n.set(type.equals("identify") ? "traits" : "properties", properties);
    }
    if (previousId != null) {
      n.put("previousId", previousId);
    }
    if (context != null) {
      n.set("context", context);
    }
    n.put("timestamp", at.plus(clockSkew).toString());
    n.put("sentAt", receivedAt.plus(clockSkew).toString());
    return new EventParser(ParseOptions.live().historical())
        .parse(n, null, EventParser.BatchContext.at(receivedAt), Currency.getInstance("USD"));
  }

  public RawEvent withMessageId(String id) {
    return new RawEvent(
        type, id, anonymousId, userId, name, properties, previousId, at, clockSkew, context);
  }

  /** The same call from another device (a different anonymous id). */
  public RawEvent withAnonymousId(String id) {
    return new RawEvent(
        type, messageId, id, userId, name, properties, previousId, at, clockSkew, context);
  }

  /** The same call, sent about something that happened {@code by} earlier. */
  public RawEvent earlier(Duration by) {
    return new RawEvent(
        type,
        messageId,
        anonymousId,
        userId,
        name,
        properties,
        previousId,
        at.minus(by),
        clockSkew,
        context);
  }

  public RawEvent withSkew(Duration skew) {
    return new RawEvent(
        type, messageId, anonymousId, userId, name, properties, previousId, at, skew, context);
  }

  /** The same call with {@code context} (page URL and referrer, user agent, campaign). */
  public RawEvent withContext(ObjectNode context) {
    return new RawEvent(
        type, messageId, anonymousId, userId, name, properties, previousId, at, clockSkew, context);
  }

  public String deviceId() {
    return anonymousId != null ? anonymousId : userId;
  }

  public boolean isActivity() {
    return type.equals("track") || type.equals("page");
  }
}
