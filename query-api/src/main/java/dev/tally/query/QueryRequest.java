package dev.tally.query;

import java.util.Map;

/**
 * A read call as any transport received it.
 *
 * @param path the request path, e.g. {@code /api/v1/funnel}
 * @param query single-valued query parameters
 * @param authorization the raw {@code Authorization} header, or null
 * @param accept the raw {@code Accept} header, or null ({@code text/csv} asks for CSV)
 */
public record QueryRequest(
    String method, String path, Map<String, String> query, String authorization, String accept) {
  public QueryRequest {
    query = query == null ? Map.of() : Map.copyOf(query);
  }

  public QueryRequest(String method, String path, Map<String, String> query, String authorization) {
    this(method, path, query, authorization, null);
  }

  /** True when the caller prefers CSV: {@code Accept} names {@code text/csv}. */
  public boolean wantsCsv() {
    return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/csv");
  }
}
