package dev.tally.query;

import java.util.Map;

/**
 * A read call as any transport received it.
 *
 * @param path the request path, e.g. {@code /api/v1/funnel}
 * @param query single-valued query parameters
 * @param authorization the raw {@code Authorization} header, or null
 */
public record QueryRequest(
    String method, String path, Map<String, String> query, String authorization) {
  public QueryRequest {
    query = query == null ? Map.of() : Map.copyOf(query);
  }
}
