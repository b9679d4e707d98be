package dev.tally.query.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.core.config.TallyConfig;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.dynamodb.TableNames;
import dev.tally.observability.EmfMetrics;
import dev.tally.observability.RequestScope;
import dev.tally.query.MetricsReader;
import dev.tally.query.QueryConfig;
import dev.tally.query.QueryRequest;
import dev.tally.query.QueryResponse;
import dev.tally.query.QueryService;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * API Gateway HTTP API (payload v2) adapter of the query API: maps the event to a {@link
 * QueryRequest}, lets the shared {@link QueryService} answer, and maps the answer back.
 */
public final class QueryHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private final QueryService service;
  private final EmfMetrics metrics = EmfMetrics.create("query");

  /** Lambda's constructor: clients and config from the environment, built once per instance. */
  public QueryHandler() {
    this(fromEnv(System.getenv()));
  }

  public QueryHandler(QueryService service) {
    this.service = service;
  }

  private static QueryService fromEnv(Map<String, String> env) {
    TallyConfig config = TallyConfig.fromEnv(env);
    TableNames tables = TableNames.of(config);
    DynamoDbClient ddb = AwsEndpoints.fromEnv(env).dynamoDb();
    return new QueryService(
        new ItemStoreRegistry(DynamoDbItemStore.keyOnly(ddb, tables.stores(), Clock.systemUTC())),
        new MetricsReader(DynamoDbItemStore.create(ddb, tables.metrics(), Clock.systemUTC())),
        QueryConfig.of(config));
  }

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return RequestScope.run(
        context == null ? null : context.getAwsRequestId(), metrics, () -> handle(event));
  }

  private APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
    QueryResponse r = service.handle(toRequest(event));
    Map<String, String> headers = new HashMap<>(r.headers());
    headers.put("Content-Type", r.contentType());
    headers.put("Cache-Control", "no-store");
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(r.status())
        .withHeaders(headers)
        .withBody(r.csv() != null ? r.csv() : r.body().toString())
        .withIsBase64Encoded(false)
        .build();
  }

  /** The transport-free request of a v2 event (header names are lower case in v2). */
  static QueryRequest toRequest(APIGatewayV2HTTPEvent event) {
    String method =
        event.getRequestContext() != null && event.getRequestContext().getHttp() != null
            ? event.getRequestContext().getHttp().getMethod()
            : "GET";
    String authorization = null;
    String accept = null;
    if (event.getHeaders() != null) {
      for (var h : event.getHeaders().entrySet()) {
        if (h.getKey().equalsIgnoreCase("authorization")) {
          authorization = h.getValue();
        } else if (h.getKey().equalsIgnoreCase("accept")) {
          accept = h.getValue();
        }
      }
    }
    return new QueryRequest(
        method, event.getRawPath(), event.getQueryStringParameters(), authorization, accept);
  }
}
