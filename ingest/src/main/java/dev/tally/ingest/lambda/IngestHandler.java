package dev.tally.ingest.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.core.error.NotFoundException;
import dev.tally.core.error.ValidationException;
import dev.tally.ingest.Endpoint;
import dev.tally.ingest.IngestHttp;
import dev.tally.ingest.IngestRequest;
import dev.tally.observability.EmfMetrics;
import dev.tally.observability.RequestScope;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * AWS Lambda entry point for the tracking API behind an API Gateway HTTP API (payload v2). It only
 * maps the event to an {@link IngestRequest} and the {@link IngestHttp.Answer} back; validation,
 * dedup and publishing are the same code the local server runs. Collaborators are built once per
 * container by {@link IngestWiring} from the environment.
 */
public final class IngestHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private final IngestHttp http;
  private final EmfMetrics metrics;

  /** The constructor Lambda calls: wires DynamoDB, the dedup table and the log from env. */
  public IngestHandler() {
    this(EmfMetrics.create("ingest"));
  }

  private IngestHandler(EmfMetrics metrics) {
    this(IngestWiring.fromEnv(System.getenv(), metrics), metrics);
  }

  public IngestHandler(IngestHttp http) {
    this(http, EmfMetrics.create("ingest"));
  }

  /**
   * @param metrics flushed after each request; the service behind {@code http} records into it when
   *     built with {@code IngestMetrics.emf(metrics)}
   */
  public IngestHandler(IngestHttp http, EmfMetrics metrics) {
    this.http = http;
    this.metrics = metrics;
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return RequestScope.run(
        context == null ? null : context.getAwsRequestId(),
        metrics,
        () -> toResponse(answer(event)));
  }

  IngestHttp.Answer answer(APIGatewayV2HTTPEvent event) {
    Map<String, String> headers = event.getHeaders() == null ? Map.of() : event.getHeaders();
    String origin = header(headers, "origin");
    Optional<Endpoint> endpoint = IngestHttp.endpointOf(event.getRawPath());
    if (endpoint.isEmpty()) {
      return IngestHttp.failure(
          origin, new NotFoundException("no tracking endpoint at " + event.getRawPath()));
    }
    String method = method(event);
    if ("OPTIONS".equals(method)) {
      return IngestHttp.preflight(origin);
    }
    if (!"POST".equals(method)) {
      return IngestHttp.failure(
          origin, new ValidationException("method_not_allowed", "use POST, not " + method));
    }
    byte[] body;
    try {
      body = body(event);
    } catch (IllegalArgumentException e) {
      return IngestHttp.failure(
          origin, new ValidationException("malformed_body", "body is not valid base64"));
    }
    return http.post(
        new IngestRequest(
            endpoint.get(),
            body,
            header(headers, "content-type"),
            header(headers, "content-encoding"),
            header(headers, "authorization"),
            origin));
  }

  private static String method(APIGatewayV2HTTPEvent event) {
    var rc = event.getRequestContext();
    String m = rc == null || rc.getHttp() == null ? null : rc.getHttp().getMethod();
    return m == null ? "POST" : m.toUpperCase(Locale.ROOT);
  }

  private static byte[] body(APIGatewayV2HTTPEvent event) {
    String b = event.getBody();
    if (b == null) {
      return new byte[0];
    }
    // Binary and compressed bodies (gzip) arrive base64-encoded.
    return event.getIsBase64Encoded()
        ? Base64.getDecoder().decode(b)
        : b.getBytes(StandardCharsets.UTF_8);
  }

  /** HTTP API v2 lower-cases header names; a test or proxy may not, so match either way. */
  private static String header(Map<String, String> headers, String lowerName) {
    String v = headers.get(lowerName);
    if (v != null) {
      return v;
    }
    for (var e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(lowerName)) {
        return e.getValue();
      }
    }
    return null;
  }

  static APIGatewayV2HTTPResponse toResponse(IngestHttp.Answer a) {
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(a.status())
        .withHeaders(a.headers())
        .withBody(a.body())
        .withIsBase64Encoded(false)
        .build();
  }
}
