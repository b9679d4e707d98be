package dev.tally.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** A read answer: status, JSON body and extra headers. */
public record QueryResponse(int status, JsonNode body, Map<String, String> headers) {
  public static QueryResponse ok(JsonNode body) {
    return new QueryResponse(200, body, Map.of());
  }
}
