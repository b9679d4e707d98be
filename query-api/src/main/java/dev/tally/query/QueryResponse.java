package dev.tally.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A read answer: status, JSON body, extra headers, and the same answer as CSV when the caller asked
 * for {@code text/csv} (then transports send {@link #csv} instead of the JSON).
 */
public record QueryResponse(int status, JsonNode body, Map<String, String> headers, String csv) {
  public QueryResponse(int status, JsonNode body, Map<String, String> headers) {
    this(status, body, headers, null);
  }

  public static QueryResponse ok(JsonNode body) {
    return new QueryResponse(200, body, Map.of());
  }

  /** The content type transports send: CSV when this is a CSV answer, else JSON. */
  public String contentType() {
    return csv != null ? "text/csv; charset=utf-8" : "application/json";
  }
}
