package dev.tally.ingest.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.core.error.NotFoundException;
import dev.tally.core.error.ValidationException;
import dev.tally.http.ApiGatewayV2;
import dev.tally.ingest.Endpoint;
import dev.tally.ingest.IngestHttp;
import dev.tally.ingest.IngestRequest;
import dev.tally.observability.EmfMetrics;
import dev.tally.observability.RequestScope;
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
    String origin = ApiGatewayV2.header(headers, "origin");
    Optional<Endpoint> endpoint = IngestHttp.endpointOf(event.getRawPath());
    if (endpoint.isEmpty()) {
      return IngestHttp.failure(
          origin, new NotFoundException("no tracking endpoint at " + event.getRawPath()));
    }
    String method = ApiGatewayV2.method(event, "POST");
    if ("OPTIONS".equals(method)) {
      return IngestHttp.preflight(origin);
    }
    if (!"POST".equals(method)) {
      return IngestHttp.failure(
          origin, new ValidationException("method_not_allowed", "use POST, not " + method));
    }
    byte[] body;
    try {
      body = ApiGatewayV2.body(event);
    } catch (IllegalArgumentException e) {
      return IngestHttp.failure(
          origin, new ValidationException("malformed_body", "body is not valid base64"));
    }
    return http.post(
        new IngestRequest(
            endpoint.get(),
            body,
            ApiGatewayV2.header(headers, "content-type"),
            ApiGatewayV2.header(headers, "content-encoding"),
            ApiGatewayV2.header(headers, "authorization"),
            origin));
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
