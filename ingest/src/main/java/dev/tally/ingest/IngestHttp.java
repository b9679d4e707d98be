package dev.tally.ingest;

import dev.tally.core.error.AuthException;
import dev.tally.http.ApiError;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of {@link IngestService}, free of any server: a request becomes a complete answer
 * (status, headers, JSON body). The local server and the Lambda adapter only copy bytes in and out,
 * so they answer identically, CORS and {@code Retry-After} included.
 *
 * <p>CORS: write keys are public by design, so preflights are answered for any origin. The real
 * call is refused (403, without {@code Access-Control-Allow-Origin}) when its store lists allowed
 * origins and this origin is not among them; a store with an empty list accepts any origin.
 */
public final class IngestHttp {
  private static final Logger LOG = LoggerFactory.getLogger(IngestHttp.class);
  private final IngestService service;

  public IngestHttp(IngestService service) {
    this.service = service;
  }

  /** A finished HTTP answer. */
  public record Answer(int status, Map<String, String> headers, String body) {
    public Answer {
      headers = Map.copyOf(headers);
    }
  }

  /** Handles a {@code POST} to one of the tracking endpoints. */
  public Answer post(IngestRequest req) {
    try {
      IngestResult r = service.handle(req);
      return json(200, cors(req.origin()), IngestResponses.success(r).toString());
    } catch (RuntimeException e) {
      return failure(req.origin(), e);
    }
  }

  /** The answer for a call that failed before or inside the service (one mapping for all). */
  public static Answer failure(String origin, Throwable t) {
    ApiError e = ApiError.of(t);
    if (e.status() == 503) {
      LOG.warn("answering 503 {}: {}", e.code(), t.getMessage());
    } else if (e.status() >= 500) {
      LOG.error("ingest failed with {}", e.code(), t);
    }
    boolean originRefused = t instanceof AuthException a && a.forbidden();
    Map<String, String> headers = originRefused ? new LinkedHashMap<>() : cors(origin);
    if (e.retryAfterSeconds() > 0) {
      headers.put("Retry-After", Long.toString(e.retryAfterSeconds()));
    }
    return json(e.status(), headers, IngestResponses.failure(t).toString());
  }

  /** The answer to a CORS preflight ({@code OPTIONS}). */
  public static Answer preflight(String origin) {
    Map<String, String> h = cors(origin);
    h.put("Access-Control-Allow-Methods", "POST, OPTIONS");
    h.put("Access-Control-Allow-Headers", "Authorization, Content-Type, Content-Encoding");
    h.put("Access-Control-Max-Age", "86400");
    return new Answer(204, h, "");
  }

  /**
   * The endpoint a request path names: {@code /v1/track}, {@code /v1/import/}, {@code
   * /prod/v1/batch}.
   */
  public static Optional<Endpoint> endpointOf(String path) {
    if (path == null) {
      return Optional.empty();
    }
    String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    int slash = p.lastIndexOf('/');
    if (slash < 3 || !p.substring(0, slash).endsWith("/v1")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Endpoint.of(p.substring(slash + 1)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Map<String, String> cors(String origin) {
    Map<String, String> h = new LinkedHashMap<>();
    if (origin != null && !origin.isBlank()) {
      h.put("Access-Control-Allow-Origin", origin);
      h.put("Vary", "Origin");
      // No Allow-Credentials: keys travel in headers or the body, never cookies, so credentialed
      // cross-origin reads are never needed. (sendBeacon's text/plain POST needs no preflight.)
    }
    return h;
  }

  private static Answer json(int status, Map<String, String> headers, String body) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put("Content-Type", "application/json");
    return new Answer(status, h, body);
  }
}
