package dev.tally.core.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.time.IsoInstants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The log's wire format: versioned JSON of already-validated events. */
public final class EventCodec {
  static final int VERSION = 1;
  private static final ObjectMapper MAPPER = Json.mapper();

  private EventCodec() {}

  public static byte[] encode(LogEntry entry) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("v", VERSION);
    root.put("id", entry.id());
    root.put("storeId", entry.storeId());
    ArrayNode events = root.putArray("events");
    for (Event e : entry.events()) {
      events.add(toJson(e));
    }
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String encodeToString(LogEntry entry) {
    return new String(encode(entry), StandardCharsets.UTF_8);
  }

  /** Decodes a log entry; throws {@link IllegalArgumentException} for a poison message. */
  public static LogEntry decode(byte[] bytes) {
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("log entry is not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject() || root.path("v").asInt() != VERSION) {
      throw new IllegalArgumentException("log entry has an unknown format version");
    }
    List<Event> events = new ArrayList<>();
    for (JsonNode n : root.path("events")) {
      events.add(fromJson(n));
    }
    return new LogEntry(root.path("id").asText(null), root.path("storeId").asText(null), events);
  }

  public static LogEntry decode(String s) {
    return decode(s.getBytes(StandardCharsets.UTF_8));
  }

  /** The canonical JSON of one event, as archived and replayed. */
  public static ObjectNode toJson(Event e) {
    EventHeader h = e.header();
    ObjectNode n = MAPPER.createObjectNode();
    n.put("type", e.type());
    n.put("messageId", h.messageId());
    putIfPresent(n, "anonymousId", h.anonymousId());
    putIfPresent(n, "userId", h.userId());
    n.put("timestamp", h.timestamp().toString());
    putIfPresent(n, "originalTimestamp", h.originalTimestamp());
    putIfPresent(n, "sentAt", h.sentAt());
    n.put("receivedAt", h.receivedAt().toString());
    if (e instanceof TrackEvent t) {
      n.put("event", t.event());
      n.set("properties", t.properties().toJson());
    } else if (e instanceof PageEvent p) {
      putIfPresent(n, "name", p.name());
      n.set("properties", p.properties().toJson());
    } else if (e instanceof IdentifyEvent i) {
      n.set("traits", i.traits().toJson());
    } else if (e instanceof AliasEvent a) {
      n.put("previousId", a.previousId());
    }
    if (!h.context().isEmpty()) {
      n.set("context", h.context().toJson());
    }
    return n;
  }

  static Event fromJson(JsonNode n) {
    EventHeader h =
        new EventHeader(
            n.path("messageId").asText(null),
            n.path("anonymousId").asText(null),
            n.path("userId").asText(null),
            instant(n, "timestamp"),
            instant(n, "originalTimestamp"),
            instant(n, "sentAt"),
            instant(n, "receivedAt"),
            Props.of(n.get("context")));
    return switch (n.path("type").asText()) {
      case "track" ->
          new TrackEvent(h, n.path("event").asText(null), Props.of(n.get("properties")));
      case "page" -> new PageEvent(h, n.path("name").asText(null), Props.of(n.get("properties")));
      case "identify" -> new IdentifyEvent(h, Props.of(n.get("traits")));
      case "alias" -> new AliasEvent(h, n.path("previousId").asText(null));
      default -> throw new IllegalArgumentException("unknown event type in log: " + n.get("type"));
    };
  }

  private static Instant instant(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : IsoInstants.parse(v.asText());
  }

  private static void putIfPresent(ObjectNode n, String field, Object value) {
    if (value != null) {
      n.put(field, value.toString());
    }
  }
}
