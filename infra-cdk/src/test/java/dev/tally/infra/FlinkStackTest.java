package dev.tally.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * {@code -c flink=true}: the aggregator runs as a job on Amazon Managed Service for Apache Flink,
 * reading the Kinesis stream, and the aggregator Lambda stops reading it.
 */
class FlinkStackTest {

  @TempDir static Path root;
  static TallyApp.Stacks stacks;
  static Template flink;
  static Template pipeline;

  @BeforeAll
  static void synth() {
    stacks = TestApps.build(root, Map.of("flink", "true"));
    flink = Template.fromStack(stacks.flink());
    pipeline = Template.fromStack(stacks.pipeline());
  }

  @Test
  void cdkNag_reportsNoUnsuppressedErrors() {
    TestApps.assertNoNagErrors(TestApps.all(stacks));
  }

  @Test
  void application_isFlink119_fromTheJobJarInS3_withCheckpointsSnapshotsAndParallelism() {
    assertThat(stacks.flink().getStackName()).isEqualTo("Tally-dev-Flink");
    flink.resourceCountIs("AWS::KinesisAnalyticsV2::Application", 1);
    flink.hasResourceProperties(
        "AWS::KinesisAnalyticsV2::Application",
        Match.objectLike(
            Map.of(
                "ApplicationName", "tally-dev-flink",
                "RuntimeEnvironment", "FLINK-1_19",
                "ApplicationConfiguration",
                    Match.objectLike(
                        Map.of(
                            "ApplicationCodeConfiguration",
                            Map.of(
                                "CodeContentType",
                                "ZIPFILE",
                                "CodeContent",
                                Map.of(
                                    "S3ContentLocation",
                                    Map.of(
                                        "BucketARN", Match.anyValue(),
                                        "FileKey",
                                            Match.stringLikeRegexp("^[0-9a-f]{64}\\.jar$")))),
                            "FlinkApplicationConfiguration",
                            Map.of(
                                "CheckpointConfiguration",
                                Map.of(
                                    "ConfigurationType",
                                    "CUSTOM",
                                    "CheckpointingEnabled",
                                    true,
                                    "CheckpointInterval",
                                    10_000,
                                    "MinPauseBetweenCheckpoints",
                                    5_000),
                                "MonitoringConfiguration",
                                Match.objectLike(Map.of("ConfigurationType", "CUSTOM")),
                                "ParallelismConfiguration",
                                Map.of(
                                    "ConfigurationType",
                                    "CUSTOM",
                                    "Parallelism",
                                    2,
                                    "ParallelismPerKPU",
                                    1,
                                    "AutoScalingEnabled",
                                    true)),
                            "ApplicationSnapshotConfiguration",
                            Map.of("SnapshotsEnabled", true))))));
  }

  @Test
  void application_getsTheStreamTablesAndDlqAsRuntimeProperties() {
    flink.hasResourceProperties(
        "AWS::KinesisAnalyticsV2::Application",
        Match.objectLike(
            Map.of(
                "ApplicationConfiguration",
                Match.objectLike(
                    Map.of(
                        "EnvironmentProperties",
                        Map.of(
                            "PropertyGroups",
                            List.of(
                                Map.of(
                                    "PropertyGroupId",
                                    "TallyJob",
                                    "PropertyMap",
                                    Match.objectLike(
                                        Map.of(
                                            "stream", Match.anyValue(),
                                            "metrics-table", Match.anyValue(),
                                            "stores-table", Match.anyValue(),
                                            "dlq-url", Match.anyValue()))))))))));
  }

  @Test
  void role_isAssumedByManagedFlink_andMayOnlyReadTheStreamWriteMetricsReadStoresAndUseTheDlq() {
    flink.hasResourceProperties(
        "AWS::IAM::Role",
        Match.objectLike(
            Map.of(
                "AssumeRolePolicyDocument",
                Match.objectLike(
                    Map.of(
                        "Statement",
                        List.of(
                            Match.objectLike(
                                Map.of(
                                    "Principal",
                                    Map.of("Service", "kinesisanalytics.amazonaws.com")))))))));
    List<Map<String, Object>> statements = TestApps.statementsOf(flink, "Role");
    List<String> actions = TestApps.actions(statements);
    assertThat(actions)
        .contains(
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:ListShards",
            "dynamodb:UpdateItem",
            "dynamodb:BatchGetItem",
            "sqs:SendMessage",
            "s3:GetObject",
            "logs:PutLogEvents")
        .noneMatch(a -> a.startsWith("kinesis:Put"))
        .noneMatch(a -> a.contains("*"));
    assertThat(TestApps.actionsOn(statements, "Stores"))
        .contains("dynamodb:GetItem")
        .noneMatch(a -> a.matches("dynamodb:(Put|Update|Delete|BatchWrite).*"));
    assertThat(TestApps.actionsOn(statements, "Dedup")).isEmpty();
    for (Map<String, Object> statement : statements) {
      String resource = String.valueOf(statement.get("Resource"));
      assertThat(resource).as("resource of %s", statement.get("Action")).isNotEqualTo("*");
      if (String.valueOf(statement.get("Action")).contains("s3:")) {
        // The one jar object, not the assets bucket.
        assertThat(resource).doesNotContain("/*");
      }
    }
  }

  @Test
  void application_logsToItsOwnLogStream() {
    flink.hasResourceProperties(
        "AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption",
        Map.of(
            "ApplicationName", Match.anyValue(),
            "CloudWatchLoggingOption", Map.of("LogStreamARN", Match.anyValue())));
    flink.hasResourceProperties(
        "AWS::Logs::LogGroup", Map.of("LogGroupName", "/aws/kinesis-analytics/tally-dev-flink"));
  }

  @Test
  void aggregatorLambda_noLongerReadsTheStream() {
    pipeline.resourceCountIs("AWS::Lambda::EventSourceMapping", 0);
    pipeline.resourceCountIs("AWS::Kinesis::Stream", 1);
  }

  @Test
  void flinkNeedsTheKinesisLog() {
    assertThatThrownBy(
            () ->
                TallyStageConfig.fromContext(
                    Map.<String, Object>of("flink", "true", "log", "sqs")::get, root))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-c flink=true needs -c log=kinesis");
  }

  @Test
  void missingJobJar_failsNamingItAndTheBuildCommand(@TempDir Path empty) throws Exception {
    TestApps.placeholders(empty);
    Files.delete(empty.resolve("flink/target/tally-flink-job.jar"));
    TallyArtifacts artifacts = TallyArtifacts.under(empty).requireBuilt();
    assertThatThrownBy(artifacts::requireFlinkJob)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("flink/target/tally-flink-job.jar")
        .hasMessageContaining("./mvnw -B -DskipTests package");
  }
}
