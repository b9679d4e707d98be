package dev.tally.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Regulations on the deployed stack (the default app: SQS log, the archive on): the two admin
 * routes to the regulation function, the every-minute schedule to the runner, their environment,
 * the generated admin token, and grants scoped to the tables, archive objects and secret.
 */
class RegulationStackTest {

  @TempDir static Path root;
  static TallyApp.Stacks stacks;
  static Template regulations;
  static String archiveBucket;

  @BeforeAll
  static void synth() {
    stacks = TestApps.build(root, Map.of());
    regulations = Template.fromStack(stacks.regulations());
    archiveBucket =
        stacks
            .archive()
            .getLogicalId(
                (software.amazon.awscdk.CfnElement)
                    stacks.archive().bucket().getNode().getDefaultChild());
  }

  @Test
  void cdkNag_reportsNoUnsuppressedErrors() {
    TestApps.assertNoNagErrors(TestApps.all(stacks));
  }

  @Test
  void adminRoutes_goToTheRegulationFunctionsLiveAlias() {
    for (String key :
        List.of(
            "POST /admin/v1/regulations",
            "GET /admin/v1/regulations/{id}",
            "GET /admin/v1/ledger")) {
      regulations.hasResourceProperties(
          "AWS::ApiGatewayV2::Route",
          Map.of("RouteKey", key, "Target", Match.anyValue(), "ApiId", Match.anyValue()));
    }
    regulations.resourceCountIs("AWS::ApiGatewayV2::Route", 3);
    regulations.hasResourceProperties(
        "AWS::ApiGatewayV2::Integration",
        Map.of(
            "IntegrationType", "AWS_PROXY",
            "PayloadFormatVersion", "2.0",
            "IntegrationUri", Match.objectLike(Map.of("Ref", Match.stringLikeRegexp("^ApiLive")))));
    regulations.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "FunctionName",
            "tally-dev-regulations",
            "Handler",
            "dev.tally.opensearch.lambda.RegulationHandler::handleRequest",
            "Timeout",
            29,
            "Environment",
            Map.of(
                "Variables",
                Match.objectLike(
                    Map.of(
                        "TALLY_METRICS_TABLE", Match.anyValue(),
                        "TALLY_STORES_TABLE", Match.anyValue(),
                        "TALLY_DEDUP_TABLE", Match.anyValue(),
                        "TALLY_ARCHIVE_URL", Match.anyValue(),
                        "TALLY_ADMIN_SECRET_ARN", Map.of("Ref", secretId()))))));
  }

  @Test
  void schedule_runsTheRunnerEveryMinute_oneAtATime() {
    regulations.hasResourceProperties(
        "AWS::Events::Rule",
        Map.of(
            "ScheduleExpression", "rate(1 minute)",
            "State", "ENABLED",
            "Targets",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "Arn",
                            Match.objectLike(
                                Map.of("Ref", Match.stringLikeRegexp("^RunnerLive"))))))));
    regulations.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "FunctionName",
            "tally-dev-regulations-runner",
            "Handler",
            "dev.tally.opensearch.lambda.RegulationHandler::runSettled",
            "Timeout",
            900,
            "ReservedConcurrentExecutions",
            1,
            "Environment",
            Map.of(
                "Variables",
                Match.objectLike(
                    Map.of(
                        "TALLY_ARCHIVE_URL",
                        Map.of(
                            "Fn::Join",
                            List.of(
                                "",
                                List.of(
                                    "s3://",
                                    Match.objectLike(Map.of("Fn::ImportValue", Match.anyValue())),
                                    "/events"))))))));
  }

  @Test
  void adminToken_isAGeneratedSecret_readOnlyByTheApiFunction() {
    regulations.hasResourceProperties(
        "AWS::SecretsManager::Secret",
        Map.of(
            "Name",
            "tally-dev-admin-token",
            "GenerateSecretString",
            Map.of("PasswordLength", 48, "ExcludePunctuation", true, "IncludeSpace", false)));
    var api = TestApps.statementsOf(regulations, "ApiRole");
    assertThat(TestApps.actionsOn(api, secretId()))
        .containsExactlyInAnyOrder(
            "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret");
    var runner = TestApps.statementsOf(regulations, "RunnerRole");
    assertThat(TestApps.actionsOn(runner, secretId())).isEmpty();
  }

  @Test
  void grants_areScopedToTheTablesAndTheArchiveObjects() {
    var api = TestApps.statementsOf(regulations, "ApiRole");
    assertThat(TestApps.actions(api))
        .doesNotContain("s3:DeleteObject*", "dynamodb:DeleteTable", "*")
        .noneMatch(a -> a.startsWith("s3:"));
    var runner = TestApps.statementsOf(regulations, "RunnerRole");
    assertThat(TestApps.actionsOn(runner, archiveBucket))
        .contains("s3:GetObject*", "s3:PutObject", "s3:DeleteObject*", "s3:List*");
    assertThat(TestApps.actions(runner)).contains("dynamodb:BatchWriteItem", "dynamodb:Query");
    for (var st : runner) {
      String resource = String.valueOf(st.get("Resource"));
      if (TestApps.actions(List.of(st)).stream().anyMatch(a -> a.startsWith("s3:"))) {
        assertThat(resource).contains("events/*");
      }
      if (resource.equals("*")) {
        assertThat(TestApps.actions(List.of(st)))
            .as("only X-Ray (active tracing) has no resource scope")
            .allMatch(a -> a.startsWith("xray:"));
      }
    }
  }

  private static String secretId() {
    return stacks
        .regulations()
        .getLogicalId(
            (software.amazon.awscdk.CfnElement)
                stacks.regulations().adminToken().getNode().getDefaultChild());
  }
}
