package dev.tally.opensearch.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.tally.core.config.TallyConfig;
import dev.tally.core.error.NotFoundException;
import dev.tally.core.error.ValidationException;
import dev.tally.core.item.ItemStore;
import dev.tally.core.regulation.DeletionStep;
import dev.tally.core.regulation.ItemRegulations;
import dev.tally.core.regulation.ItemSuppressionList;
import dev.tally.core.regulation.RawEventSource;
import dev.tally.core.regulation.Redactor;
import dev.tally.core.regulation.RegulationJob;
import dev.tally.core.regulation.RegulationSteps;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.dynamodb.TableNames;
import dev.tally.http.AdminToken;
import dev.tally.http.ApiGatewayV2;
import dev.tally.http.LedgerApi;
import dev.tally.http.RegulationApi;
import dev.tally.observability.EmfMetrics;
import dev.tally.observability.RequestScope;
import dev.tally.opensearch.index.IndexNames;
import dev.tally.opensearch.index.OpenSearch;
import dev.tally.opensearch.regulation.AwsArchiveRegulation;
import dev.tally.opensearch.regulation.OpenSearchDeleteStep;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Regulations on the deployed stack. Two entry points of one class (two functions, one jar):
 *
 * <ul>
 *   <li>{@link #handleRequest}: the API Gateway HTTP API (payload v2) adapter of {@code POST
 *       /admin/v1/regulations}, {@code GET /admin/v1/regulations/{id}} and {@code GET
 *       /admin/v1/ledger} ({@link LedgerApi}), answered by the shared {@link RegulationApi} exactly
 *       as {@code tally up} answers; a POST saves the regulation and suppresses the people before
 *       it returns 202.
 *   <li>{@link #runSettled}: the EventBridge schedule's (every minute), which runs or resumes every
 *       unfinished regulation older than {@link #SETTLE}, so the aggregator's in-flight batches
 *       have finished. Every step is idempotent; its function has a reserved concurrency of 1, so
 *       two runs never overlap.
 * </ul>
 *
 * <p>Environment: {@code TALLY_METRICS_TABLE}, {@code TALLY_STORES_TABLE}, {@code
 * TALLY_DEDUP_TABLE}, {@code TALLY_SHARDS}, {@code TALLY_ARCHIVE_URL} (the S3 archive; unset: no
 * archive steps), {@code TALLY_SEARCH_ENDPOINT} (the OpenSearch domain; unset: no search step),
 * {@code TALLY_INDEX_PREFIX}, and the admin token: {@code TALLY_ADMIN_SECRET_ARN} (a Secrets
 * Manager secret, read on the first request) or {@code TALLY_ADMIN_TOKEN}.
 */
public final class RegulationHandler
    implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  private static final Logger LOG = LoggerFactory.getLogger(RegulationHandler.class);
  private static final String ITEM_PREFIX = RegulationApi.PATH + "/";

  /** How old a regulation must be before its deletion runs: the aggregator's batches settle. */
  public static final Duration SETTLE = Duration.ofMinutes(2);

  private final RegulationJob job;
  private final RegulationApi api;
  private final LedgerApi ledger;
  private final Clock clock;
  private final Duration settle;
  private final EmfMetrics metrics = EmfMetrics.create("regulations");

  /** Lambda's constructor: clients and config from the environment, built once per instance. */
  public RegulationHandler() {
    this(System.getenv(), Clock.systemUTC(), adminToken(System.getenv()));
  }

  /** Everything from {@code env} but the clock and the admin token (tests). */
  public RegulationHandler(Map<String, String> env, Clock clock, AdminToken admin) {
    this(sources(env, clock), admin, clock, SETTLE);
  }

  /**
   * @param sources the tables, archive and search the job works on
   * @param settle how old a regulation must be before {@link #runSettled} runs its deletion
   */
  public RegulationHandler(
      RegulationSteps.Sources sources, AdminToken admin, Clock clock, Duration settle) {
    this.job = RegulationSteps.job(sources);
    this.api = new RegulationApi(admin, job, job::submit, sources.regulations());
    this.ledger = new LedgerApi(admin, sources.stores(), sources.metrics());
    this.clock = clock;
    this.settle = settle;
  }

  /** The admin API. */
  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    return RequestScope.run(requestId(context), metrics, () -> respond(route(event)));
  }

  /** The schedule: runs the deletion of every regulation older than the settle delay. */
  public String runSettled(Map<String, Object> event, Context context) {
    return RequestScope.run(
        requestId(context),
        metrics,
        () -> {
          int ran = job.resumeCreatedBefore(clock.instant().minus(settle));
          if (ran > 0) {
            LOG.info("ran {} regulation(s)", ran);
          }
          return "ran " + ran;
        });
  }

  private RegulationApi.Answer route(APIGatewayV2HTTPEvent event) {
    String method = ApiGatewayV2.method(event, "");
    String path = event.getRawPath() == null ? "" : event.getRawPath();
    String authorization = ApiGatewayV2.header(event, "authorization");
    if (method.equals("POST") && path.equals(RegulationApi.PATH)) {
      byte[] body;
      try {
        body = ApiGatewayV2.body(event);
      } catch (IllegalArgumentException e) {
        return RegulationApi.error(
            new ValidationException("malformed_body", "body is not valid base64"));
      }
      return api.create(authorization, body);
    }
    if (method.equals("GET") && path.equals(LedgerApi.PATH)) {
      Map<String, String> query =
          event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
      return ledger.show(authorization, query);
    }
    if (method.equals("GET") && path.startsWith(ITEM_PREFIX)) {
      return api.show(authorization, path.substring(ITEM_PREFIX.length()));
    }
    return RegulationApi.error(new NotFoundException("no route " + method + " " + path));
  }

  private static APIGatewayV2HTTPResponse respond(RegulationApi.Answer a) {
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(a.status())
        .withHeaders(Map.of("Content-Type", "application/json", "Cache-Control", "no-store"))
        .withBody(a.body().toString())
        .withIsBase64Encoded(false)
        .build();
  }

  private static String requestId(Context context) {
    return context == null ? null : context.getAwsRequestId();
  }

  /** What the AWS engine's regulation job works on: the same steps as {@code tally up} on AWS. */
  static RegulationSteps.Sources sources(Map<String, String> env, Clock clock) {
    TallyConfig config = TallyConfig.fromEnv(env);
    AwsEndpoints aws = AwsEndpoints.fromEnv(env);
    DynamoDbClient ddb = aws.dynamoDb();
    TableNames tables = TableNames.of(config);
    ItemStore stores = DynamoDbItemStore.keyOnly(ddb, tables.stores(), clock);
    RawEventSource raw = null;
    List<Redactor> redactors = new ArrayList<>();
    if (config.archiveUrl().isPresent()) {
      AwsArchiveRegulation archive = AwsArchiveRegulation.of(aws, config.archiveUrl().get());
      raw = archive.raw();
      redactors.add(archive.redactor());
    }
    List<DeletionStep> after = new ArrayList<>();
    config
        .searchEndpoint()
        .ifPresent(
            endpoint ->
                after.add(
                    new OpenSearchDeleteStep(
                        OpenSearch.aws(endpoint, aws.region()),
                        new IndexNames(config.indexPrefix()))));
    return new RegulationSteps.Sources(
        new ItemStoreRegistry(stores),
        new ItemRegulations(stores),
        new ItemSuppressionList(stores, clock),
        DynamoDbItemStore.create(ddb, tables.metrics(), clock),
        DynamoDbItemStore.keyOnly(ddb, tables.dedup(), clock),
        config.shards(),
        raw,
        redactors,
        after,
        clock);
  }

  /**
   * {@code TALLY_ADMIN_TOKEN} when set, else the secret {@code TALLY_ADMIN_SECRET_ARN} names, read
   * on the first request (the schedule's function never reads it).
   */
  static AdminToken adminToken(Map<String, String> env) {
    TallyConfig config = TallyConfig.fromEnv(env);
    if (config.adminToken().isPresent()) {
      return AdminToken.of(config.adminToken().get());
    }
    return AdminToken.readOnce(
        () -> {
          // Checked here, not at init: the runner's function has no secret and never reads it.
          String arn = TallyConfig.required(config.adminSecretArn(), "TALLY_ADMIN_SECRET_ARN");
          try (SecretsManagerClient sm =
              AwsEndpoints.fromEnv(env)
                  .forService("SECRETS_MANAGER")
                  .configure(SecretsManagerClient.builder())
                  .httpClient(UrlConnectionHttpClient.create())
                  .build()) {
            return sm.getSecretValue(r -> r.secretId(arn)).secretString();
          }
        });
  }
}
