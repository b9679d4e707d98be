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

/** {@code -c stage=prod -c log=sqs}: the zero-idle-cost log, with prod data protection. */
class ProdSqsAppTest {

  @TempDir static Path root;
  static TallyApp.Stacks stacks;
  static Template data;
  static Template pipeline;
  static Template api;

  @BeforeAll
  static void synth() {
    stacks = TestApps.build(root, Map.of("stage", "prod", "log", "sqs"));
    data = Template.fromStack(stacks.data());
    pipeline = Template.fromStack(stacks.pipeline());
    api = Template.fromStack(stacks.api());
  }

  @Test
  void cdkNag_reportsNoUnsuppressedErrors() {
    TestApps.assertNoNagErrors(TestApps.all(stacks));
  }

  @Test
  void prodTables_areRetainedAndDeletionProtected() {
    data.allResources(
        "AWS::DynamoDB::Table",
        Map.of("DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain"));
    data.resourcePropertiesCountIs(
        "AWS::DynamoDB::Table",
        Match.objectLike(
            Map.of(
                "DeletionProtectionEnabled",
                true,
                "PointInTimeRecoverySpecification",
                Map.of("PointInTimeRecoveryEnabled", true))),
        3);
    assertThat(stacks.data().getStackName()).isEqualTo("Tally-prod-Data");
  }

  @Test
  void prodDeadLetters_areRetained() {
    pipeline.hasResource(
        "AWS::SQS::Queue",
        Map.of(
            "DeletionPolicy",
            "Retain",
            "Properties",
            Match.objectLike(Map.of("QueueName", "tally-prod-dlq"))));
  }

  @Test
  void sqsLog_redrivesToDlqAfterFiveReceivesWithLongVisibilityTimeout() {
    pipeline.resourceCountIs("AWS::Kinesis::Stream", 0);
    pipeline.hasResourceProperties(
        "AWS::SQS::Queue",
        Map.of(
            "QueueName",
            "tally-prod-events",
            "VisibilityTimeout",
            360, // 6 x the aggregator's 60 s timeout
            "SqsManagedSseEnabled",
            true,
            "RedrivePolicy",
            Map.of(
                "deadLetterTargetArn",
                Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("DeadLetters.*"), "Arn")),
                "maxReceiveCount",
                5)));
    pipeline.hasResourceProperties("AWS::Lambda::Function", Map.of("Timeout", 60));
  }

  @Test
  void aggregator_readsSqsInBatchesOfTenWithPartialBatchResponses() {
    pipeline.hasResourceProperties(
        "AWS::Lambda::EventSourceMapping",
        Map.of(
            "BatchSize", 10,
            "MaximumBatchingWindowInSeconds", 5,
            "FunctionResponseTypes", List.of("ReportBatchItemFailures")));
    pipeline.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of("Handler", "dev.tally.aggregator.lambda.SqsAggregatorHandler::handleRequest"));
  }

  @Test
  void functions_getQueueUrlInsteadOfStreamName() {
    api.allResourcesProperties(
        "AWS::Lambda::Function",
        Match.objectLike(
            Map.of(
                "Environment",
                Map.of(
                    "Variables",
                    Match.objectLike(
                        Map.of(
                            "TALLY_LOG", "sqs",
                            "TALLY_QUEUE_URL", Match.anyValue(),
                            "TALLY_STREAM_NAME", Match.absent()))))));
  }

  @Test
  void ingestFunction_canOnlySendToTheQueue() {
    List<String> actions = TestApps.actions(TestApps.statementsOf(api, "IngestRole"));
    assertThat(actions)
        .contains("sqs:SendMessage")
        .noneMatch(a -> a.startsWith("kinesis:"))
        .noneMatch(a -> a.equals("sqs:ReceiveMessage") || a.equals("sqs:DeleteMessage"));
  }

  @Test
  void prodApi_allowsMoreTraffic() {
    api.hasResourceProperties(
        "AWS::ApiGatewayV2::Stage",
        Map.of(
            "DefaultRouteSettings",
            Map.of("ThrottlingRateLimit", 500, "ThrottlingBurstLimit", 1000)));
  }
}
