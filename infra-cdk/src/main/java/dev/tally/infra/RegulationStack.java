package dev.tally.infra;

import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.amazon.awscdk.services.apigatewayv2.HttpRoute;
import software.amazon.awscdk.services.apigatewayv2.HttpRouteKey;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * GDPR/CCPA regulations on the deployed stack: {@code POST /admin/v1/regulations}, {@code GET
 * /admin/v1/regulations/{id}} and {@code GET /admin/v1/ledger} on the HTTP API, behind a bearer
 * token generated into a Secrets Manager secret, and a schedule that runs the deletions. Two
 * functions from the opensearch module's Lambda jar, one handler class:
 *
 * <ul>
 *   <li>{@code tally-<stage>-regulations} answers the admin routes; a POST suppresses the people
 *       before it answers. It reads the secret, the metrics table (linked ids) and the stores table
 *       (regulations, suppression list), and writes the stores table.
 *   <li>{@code tally-<stage>-regulations-runner}, every minute, runs or resumes the regulations
 *       older than two minutes (the aggregator's batches settle): subtract or ledger, rewrite the
 *       archive objects, delete the person's items and refused calls, rebuild sketches, delete
 *       OpenSearch documents. Reserved concurrency 1: two runs never overlap, an invocation that
 *       finds one running waits for the next minute.
 * </ul>
 */
public final class RegulationStack extends Stack {
  static final String HANDLER = "dev.tally.opensearch.lambda.RegulationHandler";
  static final Duration RUNNER_TIMEOUT = Duration.minutes(15);

  /**
   * A POST resolves the linked ids of up to 5,000 people and suppresses them before it answers:
   * just under the HTTP API's 30-second integration limit.
   */
  static final Duration API_TIMEOUT = Duration.seconds(29);

  private final Secret adminToken;
  private final TallyFunction api;
  private final TallyFunction runner;
  private final Rule schedule;

  /**
   * @param archive the raw-event archive the deletions rewrite, or null with {@code archive=false}
   * @param search the OpenSearch domain whose documents are deleted too, or null
   */
  public RegulationStack(
      Construct scope,
      String id,
      StackProps props,
      TallyStageConfig config,
      DataStack data,
      ApiStack apiStack,
      ArchiveStack archive,
      SearchStack search,
      TallyArtifacts artifacts) {
    super(scope, id, props);
    adminToken =
        Secret.Builder.create(this, "AdminToken")
            .secretName(config.resourceName("admin-token"))
            .description("Bearer token of Tally's admin API (regulations)")
            .generateSecretString(
                SecretStringGenerator.builder()
                    .passwordLength(48)
                    .excludePunctuation(true)
                    .includeSpace(false)
                    .build())
            .removalPolicy(config.dataRemovalPolicy())
            .build();
    NagSuppressions.addResourceSuppressions(
        adminToken,
        List.of(
            Nag.suppress(
                "AwsSolutions-SMG4",
                "A bearer token people copy into their tools: rotate it by putting a new value"
                    + " (infra-cdk/README.md); an automatic rotation would break them unseen.")));

    Map<String, String> env = new LinkedHashMap<>();
    env.put("TALLY_METRICS_TABLE", data.metrics().getTableName());
    env.put("TALLY_STORES_TABLE", data.stores().getTableName());
    env.put("TALLY_DEDUP_TABLE", data.dedup().getTableName());
    if (archive != null) {
      env.put("TALLY_ARCHIVE_URL", "s3://" + archive.bucket().getBucketName() + "/events");
    }
    if (search != null) {
      env.put("TALLY_SEARCH_ENDPOINT", search.domain().getDomainEndpoint());
    }

    Map<String, String> apiEnv = new LinkedHashMap<>(env);
    apiEnv.put("TALLY_ADMIN_SECRET_ARN", adminToken.getSecretArn());
    api =
        new TallyFunction(
            this,
            "Api",
            config,
            new TallyFunction.Props(
                config.resourceName("regulations"),
                artifacts.searchJar(),
                HANDLER + "::handleRequest",
                API_TIMEOUT,
                apiEnv));
    adminToken.grantRead(api);
    data.metrics().grantReadData(api); // the user's linked anonymous ids
    data.stores().grantReadWriteData(api); // stores, regulations, the suppression list

    runner =
        new TallyFunction(
            this,
            "Runner",
            config,
            new TallyFunction.Props(
                config.resourceName("regulations-runner"),
                artifacts.searchJar(),
                HANDLER + "::runSettled",
                RUNNER_TIMEOUT,
                env));
    ((CfnFunction) runner.function().getNode().getDefaultChild())
        .setReservedConcurrentExecutions(1);
    data.metrics().grantReadWriteData(runner);
    data.stores().grantReadWriteData(runner);
    data.dedup().grantReadWriteData(runner);
    if (archive != null) {
      // Reads every object of events/, puts it again without the people, or deletes it.
      archive.bucket().grantReadWrite(runner, "events/*");
      archive.bucket().grantDelete(runner, "events/*");
    }
    if (search != null) {
      search.domain().grantReadWrite(runner);
    }
    schedule =
        Rule.Builder.create(this, "Schedule")
            .description("Runs the regulations older than the settle delay")
            .schedule(Schedule.rate(Duration.minutes(1)))
            .targets(List.of(LambdaFunction.Builder.create(runner.live()).retryAttempts(0).build()))
            .build();
    NagSuppressions.addResourceSuppressions(
        runner,
        List.of(
            Nag.suppress(
                "AwsSolutions-IAM5",
                "Rewrites and deletes only the archive's events/ objects (keys not known in"
                    + " advance) and deletes people's documents from the search domain's"
                    + " indexes (names not known in advance).",
                Nag.appliesTo(
                    Nag.S3_READ_WRITE_ACTIONS,
                    RegexAppliesTo.builder()
                        .regex("/^Resource::.*RawEvents.*Arn.*\\/events\\/\\*$/g")
                        .build(),
                    RegexAppliesTo.builder()
                        .regex("/^Resource::.*Domain.*Arn.*\\/\\*$/g")
                        .build()))),
        true);

    HttpLambdaIntegration integration =
        new HttpLambdaIntegration("RegulationsIntegration", api.live());
    HttpRoute.Builder.create(this, "CreateRoute")
        .httpApi(apiStack.api())
        .routeKey(HttpRouteKey.with("/admin/v1/regulations", HttpMethod.POST))
        .integration(integration)
        .build();
    HttpRoute.Builder.create(this, "ShowRoute")
        .httpApi(apiStack.api())
        .routeKey(HttpRouteKey.with("/admin/v1/regulations/{id}", HttpMethod.GET))
        .integration(integration)
        .build();
    // The kept-aggregates ledger, for `tally verify --api --admin-token` after a deletion.
    HttpRoute.Builder.create(this, "LedgerRoute")
        .httpApi(apiStack.api())
        .routeKey(HttpRouteKey.with("/admin/v1/ledger", HttpMethod.GET))
        .integration(integration)
        .build();
    NagSuppressions.addStackSuppressions(
        this,
        List.of(
            Nag.suppress(
                "AwsSolutions-APIG4",
                "The regulation routes check a bearer admin token (a Secrets Manager secret)"
                    + " inside the Lambda, in constant time.")));

    CfnOutput.Builder.create(this, "AdminTokenSecret")
        .description("aws secretsmanager get-secret-value --secret-id <this> --query SecretString")
        .value(adminToken.getSecretName())
        .build();
  }

  /** The admin API's bearer token. */
  public Secret adminToken() {
    return adminToken;
  }

  /** The function behind the admin routes. */
  public TallyFunction api() {
    return api;
  }

  /** The scheduled function that runs the deletions. */
  public TallyFunction runner() {
    return runner;
  }

  /** The every-minute schedule of {@link #runner()}. */
  public Rule schedule() {
    return schedule;
  }
}
