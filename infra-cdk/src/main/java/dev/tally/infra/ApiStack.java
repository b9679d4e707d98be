package dev.tally.infra;

import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.CfnStage;
import software.amazon.awscdk.services.apigatewayv2.CorsHttpMethod;
import software.amazon.awscdk.services.apigatewayv2.CorsPreflightOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpStage;
import software.amazon.awscdk.services.apigatewayv2.HttpStageOptions;
import software.amazon.awscdk.services.apigatewayv2.ThrottleSettings;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/** The HTTP API: {@code /v1/*} to the ingest Lambda and {@code /api/v1/*} to the query Lambda. */
public final class ApiStack extends Stack {

  static final Duration HANDLER_TIMEOUT = Duration.seconds(10);

  private final TallyFunction ingest;
  private final TallyFunction query;
  private final HttpApi api;

  public ApiStack(
      Construct scope,
      String id,
      StackProps props,
      TallyStageConfig config,
      DataStack data,
      PipelineStack pipeline,
      TallyArtifacts artifacts) {
    super(scope, id, props);
    ingest =
        new TallyFunction(
            this,
            "Ingest",
            config,
            new TallyFunction.Props(
                config.resourceName("ingest"),
                artifacts.ingestJar(),
                "dev.tally.ingest.lambda.IngestHandler::handleRequest",
                HANDLER_TIMEOUT,
                pipeline.lambdaEnvironment()));
    pipeline.grantAppend(ingest);
    // The dedup store batch-reads which messageIds it has seen, then batch-writes the new ones.
    data.dedup().grantReadWriteData(ingest);
    data.stores().grantReadData(ingest); // to check write keys

    query =
        new TallyFunction(
            this,
            "Query",
            config,
            new TallyFunction.Props(
                config.resourceName("query"),
                artifacts.queryJar(),
                "dev.tally.query.lambda.QueryHandler::handleRequest",
                HANDLER_TIMEOUT,
                pipeline.lambdaEnvironment()));
    data.metrics().grantReadData(query);
    data.stores().grantReadData(query); // to check read keys

    api =
        HttpApi.Builder.create(this, "Api")
            .apiName(config.resourceName("api"))
            // Browsers post events from store domains and read from the dashboards: a bearer key,
            // never a cookie, so no credentials and any listed origin is safe.
            .corsPreflight(
                CorsPreflightOptions.builder()
                    .allowOrigins(config.corsOrigins())
                    .allowMethods(
                        List.of(CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS))
                    .allowHeaders(List.of("Authorization", "Content-Type"))
                    .maxAge(Duration.days(1))
                    .build())
            .createDefaultStage(false)
            .build();
    HttpStage stage =
        api.addStage(
            "DefaultStage",
            HttpStageOptions.builder()
                .stageName("$default")
                .autoDeploy(true)
                // Caps what a misbehaving client can cost; raise in prod as traffic grows.
                .throttle(
                    ThrottleSettings.builder()
                        .rateLimit(config.isProd() ? 500 : 50)
                        .burstLimit(config.isProd() ? 1000 : 100)
                        .build())
                .build());
    addAccessLogs(stage, config);

    api.addRoutes(
        AddRoutesOptions.builder()
            .path("/v1/{proxy+}")
            .methods(List.of(HttpMethod.POST))
            .integration(new HttpLambdaIntegration("IngestIntegration", ingest.live()))
            .build());
    api.addRoutes(
        AddRoutesOptions.builder()
            .path("/api/v1/{proxy+}")
            .methods(List.of(HttpMethod.GET))
            .integration(new HttpLambdaIntegration("QueryIntegration", query.live()))
            .build());
    NagSuppressions.addResourceSuppressions(
        api,
        List.of(
            Nag.suppress(
                "AwsSolutions-APIG4",
                "Ingest checks the store's write key (Segment-style, in the body or Basic"
                    + " auth) and query checks a bearer read key, both against the stores"
                    + " table inside the Lambda.")),
        true);

    CfnOutput.Builder.create(this, "ApiUrl").value(api.getApiEndpoint()).build();
  }

  private void addAccessLogs(HttpStage stage, TallyStageConfig config) {
    LogGroup accessLogs =
        LogGroup.Builder.create(this, "AccessLogs")
            .retention(config.isProd() ? RetentionDays.THREE_MONTHS : RetentionDays.TWO_WEEKS)
            .removalPolicy(config.dataRemovalPolicy())
            .build();
    // HTTP APIs have no L2 access-log setting with a format, so set it on the L1 stage.
    CfnStage cfnStage = (CfnStage) stage.getNode().getDefaultChild();
    cfnStage.setAccessLogSettings(
        CfnStage.AccessLogSettingsProperty.builder()
            .destinationArn(accessLogs.getLogGroupArn())
            .format(
                "{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\","
                    + "\"time\":\"$context.requestTime\",\"method\":\"$context.httpMethod\","
                    + "\"path\":\"$context.path\",\"status\":\"$context.status\","
                    + "\"latencyMs\":\"$context.responseLatency\","
                    + "\"error\":\"$context.integrationErrorMessage\"}")
            .build());
  }

  /** The Segment-compatible write path. */
  public TallyFunction ingest() {
    return ingest;
  }

  /** The read-only query path. */
  public TallyFunction query() {
    return query;
  }

  /** The HTTP API. */
  public HttpApi api() {
    return api;
  }
}
