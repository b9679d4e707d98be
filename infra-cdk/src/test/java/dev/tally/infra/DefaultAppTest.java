package dev.tally.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.observability.EmfMetrics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The dev app on the Kinesis log ({@code -c log=kinesis}), no optional stacks. */
class DefaultAppTest {

  @TempDir static Path root;
  static TallyApp.Stacks stacks;
  static Template data;
  static Template pipeline;
  static Template api;
  static Template hosting;
  static Template monitoring;

  @BeforeAll
  static void synth() {
    stacks = TestApps.build(root, Map.of("log", "kinesis"));
    data = Template.fromStack(stacks.data());
    pipeline = Template.fromStack(stacks.pipeline());
    api = Template.fromStack(stacks.api());
    hosting = Template.fromStack(stacks.hosting());
    monitoring = Template.fromStack(stacks.monitoring());
  }

  @Test
  void cdkNag_reportsNoUnsuppressedErrors() {
    TestApps.assertNoNagErrors(TestApps.all(stacks));
  }

  @Test
  void optionalStacks_areAbsentByDefault_butTheArchiveIsOn() {
    assertThat(stacks.archive()).isNotNull();
    assertThat(stacks.archive().liveSink()).isNull();
    assertThat(stacks.search()).isNull();
    assertThat(stacks.demoStore()).isNull();
    assertThat(stacks.flink()).isNull();
    for (software.amazon.awscdk.Stack stack : TestApps.all(stacks)) {
      Template t = Template.fromStack(stack);
      t.resourceCountIs("AWS::KinesisFirehose::DeliveryStream", stack == stacks.archive() ? 1 : 0);
      t.resourceCountIs("AWS::OpenSearchService::Domain", 0);
      t.resourceCountIs("AWS::KinesisAnalyticsV2::Application", 0);
    }
    data.resourcePropertiesCountIs(
        "AWS::DynamoDB::Table", Match.objectLike(Map.of("TableName", "tally-demo-orders")), 0);
  }

  @Test
  void metricsTable_isOnDemandWithPitrAndTtl() {
    data.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "TableName", "tally-dev-metrics",
            "BillingMode", "PAY_PER_REQUEST",
            "KeySchema",
                List.of(
                    Map.of("AttributeName", "pk", "KeyType", "HASH"),
                    Map.of("AttributeName", "sk", "KeyType", "RANGE")),
            "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
            "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true)));
  }

  @Test
  void dedupTable_expiresMarkersByTtl() {
    data.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "TableName", "tally-dev-dedup",
            "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH")),
            "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true)));
  }

  @Test
  void storesTable_hasPartitionKeyOnlyAndNoTtl() {
    data.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "TableName", "tally-dev-stores",
            "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH")),
            "TimeToLiveSpecification", Match.absent()));
  }

  @Test
  void everyTable_isOnDemandWithPitr() {
    data.resourceCountIs("AWS::DynamoDB::Table", 3);
    data.resourcePropertiesCountIs(
        "AWS::DynamoDB::Table",
        Match.objectLike(
            Map.of(
                "BillingMode",
                "PAY_PER_REQUEST",
                "PointInTimeRecoverySpecification",
                Map.of("PointInTimeRecoveryEnabled", true))),
        3);
  }

  @Test
  void devTables_areDestroyedAndNotDeletionProtected() {
    data.allResources(
        "AWS::DynamoDB::Table",
        Map.of("DeletionPolicy", "Delete", "UpdateReplacePolicy", "Delete"));
    data.resourcePropertiesCountIs(
        "AWS::DynamoDB::Table", Match.objectLike(Map.of("DeletionProtectionEnabled", false)), 3);
  }

  @Test
  void eventLog_isOnDemandEncryptedKinesisStream() {
    pipeline.hasResourceProperties(
        "AWS::Kinesis::Stream",
        Map.of(
            "Name", "tally-dev-events",
            "StreamModeDetails", Map.of("StreamMode", "ON_DEMAND"),
            "StreamEncryption", Map.of("EncryptionType", "KMS", "KeyId", "alias/aws/kinesis")));
    pipeline.resourceCountIs("AWS::SQS::Queue", 1); // only the DLQ
  }

  @Test
  void aggregator_readsKinesisWithPartialBatchesBisectRetriesAndDlq() {
    pipeline.hasResourceProperties(
        "AWS::Lambda::EventSourceMapping",
        Map.of(
            "BatchSize",
            100,
            "MaximumBatchingWindowInSeconds",
            5,
            "StartingPosition",
            "TRIM_HORIZON",
            "BisectBatchOnFunctionError",
            true,
            "MaximumRetryAttempts",
            5,
            "FunctionResponseTypes",
            List.of("ReportBatchItemFailures"),
            "DestinationConfig",
            Map.of(
                "OnFailure",
                Map.of(
                    "Destination",
                    Map.of(
                        "Fn::GetAtt", List.of(logicalId(pipeline, "AWS::SQS::Queue"), "Arn"))))));
    // It invokes the SnapStart alias, not $LATEST.
    assertThat(pipeline.findResources("AWS::Lambda::EventSourceMapping").toString())
        .contains(":live");
  }

  @Test
  void functions_areArm64WithSnapStartBehindLiveAlias() {
    for (Template t : List.of(pipeline, api)) {
      t.allResourcesProperties(
          "AWS::Lambda::Function",
          Match.objectLike(
              Map.of(
                  "Runtime",
                  "java21",
                  "Architectures",
                  List.of("arm64"),
                  "MemorySize",
                  1024,
                  "SnapStart",
                  Map.of("ApplyOn", "PublishedVersions"))));
      t.allResourcesProperties("AWS::Lambda::Alias", Match.objectLike(Map.of("Name", "live")));
    }
    pipeline.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of("Handler", "dev.tally.aggregator.lambda.KinesisAggregatorHandler::handleRequest"));
    api.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of("Handler", "dev.tally.ingest.lambda.IngestHandler::handleRequest"));
    api.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of("Handler", "dev.tally.query.lambda.QueryHandler::handleRequest"));
  }

  @Test
  void functions_getTablesAndStreamFromEnvironment() {
    api.allResourcesProperties(
        "AWS::Lambda::Function",
        Match.objectLike(
            Map.of(
                "Environment",
                Map.of(
                    "Variables",
                    Match.objectEquals(
                        Map.of(
                            "TALLY_METRICS_TABLE", Match.anyValue(),
                            "TALLY_STORES_TABLE", Match.anyValue(),
                            "TALLY_DEDUP_TABLE", Match.anyValue(),
                            "TALLY_LOG", "kinesis",
                            "TALLY_STREAM_NAME", Match.anyValue(),
                            "TALLY_DLQ_URL", Match.anyValue()))))));
  }

  @Test
  void ingestFunction_canOnlyAppendToStreamUseDedupAndReadStores() {
    List<Map<String, Object>> statements = TestApps.statementsOf(api, "IngestRole");
    assertThat(TestApps.actions(statements))
        .contains("kinesis:PutRecord", "kinesis:PutRecords")
        .noneMatch(a -> a.startsWith("sqs:"))
        .noneMatch(a -> a.startsWith("kinesis:Get"));
    assertThat(TestApps.actionsOn(statements, "Dedup"))
        .contains("dynamodb:BatchGetItem", "dynamodb:BatchWriteItem");
    assertThat(TestApps.actionsOn(statements, "Stores"))
        .contains("dynamodb:GetItem")
        .noneMatch(a -> a.matches("dynamodb:(Put|Update|Delete|BatchWrite).*"));
    assertThat(TestApps.actionsOn(statements, "Metrics")).isEmpty();
  }

  @Test
  void queryFunction_canOnlyReadTables() {
    List<String> actions = TestApps.actions(TestApps.statementsOf(api, "QueryRole"));
    assertThat(actions)
        .contains("dynamodb:GetItem", "dynamodb:Query")
        .allMatch(
            a ->
                a.startsWith("logs:")
                    || a.startsWith("xray:Put")
                    || List.of(
                            "dynamodb:BatchGetItem",
                            "dynamodb:GetRecords",
                            "dynamodb:GetShardIterator",
                            "dynamodb:Query",
                            "dynamodb:GetItem",
                            "dynamodb:Scan",
                            "dynamodb:ConditionCheckItem",
                            "dynamodb:DescribeTable")
                        .contains(a));
  }

  @Test
  void aggregator_writesOnlyMetricsAndDlqAndReadsStores() {
    List<Map<String, Object>> statements = TestApps.statementsOf(pipeline, "AggregatorRole");
    assertThat(TestApps.actions(statements))
        .contains("kinesis:GetRecords", "sqs:SendMessage")
        .noneMatch(a -> a.startsWith("kinesis:Put"));
    assertThat(TestApps.actionsOn(statements, "Metrics")).contains("dynamodb:UpdateItem");
    assertThat(TestApps.actionsOn(statements, "Stores"))
        .contains("dynamodb:GetItem")
        .noneMatch(a -> a.matches("dynamodb:(Put|Update|Delete|BatchWrite).*"));
    assertThat(TestApps.actionsOn(statements, "Dedup")).isEmpty();
  }

  @Test
  void iamPolicies_haveNoWildcardActionsOrDataResources() {
    for (software.amazon.awscdk.Stack stack : List.of(stacks.pipeline(), stacks.api())) {
      List<Map<String, Object>> statements = TestApps.statementsOf(Template.fromStack(stack), "");
      assertThat(TestApps.actions(statements)).isNotEmpty().noneMatch(a -> a.contains("*"));
      for (Map<String, Object> statement : statements) {
        if (TestApps.actions(List.of(statement)).stream().allMatch(a -> a.startsWith("xray:Put"))) {
          continue; // X-Ray has no resource-level permissions: tracing needs Resource *
        }
        assertThat(String.valueOf(statement.get("Resource")))
            .as("resource of %s", statement.get("Action"))
            .isNotEqualTo("*");
      }
    }
  }

  @Test
  void httpApi_routesIngestAndQueryWithThrottlingAndCors() {
    api.hasResourceProperties(
        "AWS::ApiGatewayV2::Api",
        Map.of(
            "ProtocolType",
            "HTTP",
            "CorsConfiguration",
            Match.objectLike(
                Map.of(
                    "AllowOrigins", List.of("*"),
                    "AllowHeaders", List.of("Authorization", "Content-Type")))));
    api.hasResourceProperties("AWS::ApiGatewayV2::Route", Map.of("RouteKey", "POST /v1/{proxy+}"));
    api.hasResourceProperties(
        "AWS::ApiGatewayV2::Route", Map.of("RouteKey", "GET /api/v1/{proxy+}"));
    api.hasResourceProperties(
        "AWS::ApiGatewayV2::Stage",
        Map.of(
            "StageName", "$default",
            "DefaultRouteSettings", Map.of("ThrottlingRateLimit", 50, "ThrottlingBurstLimit", 100),
            "AccessLogSettings", Match.objectLike(Map.of("Format", Match.anyValue()))));
    api.allResourcesProperties(
        "AWS::ApiGatewayV2::Integration", Match.objectLike(Map.of("PayloadFormatVersion", "2.0")));
  }

  @Test
  void hosting_servesPrivateBucketThroughOriginAccessControl() {
    hosting.hasResourceProperties(
        "AWS::S3::Bucket",
        Match.objectLike(
            Map.of(
                "PublicAccessBlockConfiguration",
                Map.of(
                    "BlockPublicAcls", true,
                    "BlockPublicPolicy", true,
                    "IgnorePublicAcls", true,
                    "RestrictPublicBuckets", true))));
    hosting.resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
    hosting.hasResourceProperties(
        "AWS::CloudFront::Distribution",
        Map.of(
            "DistributionConfig",
            Match.objectLike(
                Map.of(
                    "DefaultCacheBehavior",
                        Match.objectLike(
                            Map.of(
                                "ViewerProtocolPolicy",
                                "redirect-to-https",
                                "FunctionAssociations",
                                List.of(Match.objectLike(Map.of("EventType", "viewer-request"))))),
                    "CacheBehaviors",
                        List.of(
                            Match.objectLike(Map.of("PathPattern", "/api/*")),
                            Match.objectLike(Map.of("PathPattern", "/v1/*")))))));
  }

  @Test
  void hosting_fallsBackToDashboardShellForExtensionlessRoutes() {
    hosting.hasResourceProperties(
        "AWS::CloudFront::Function",
        Map.of("FunctionCode", Match.stringLikeRegexp("[\\s\\S]*/dashboards/index.html[\\s\\S]*")));
  }

  @Test
  void staticFiles_hashedAssetsGetLongCacheAndTheRestRevalidate() {
    hosting.hasResourceProperties(
        "Custom::CDKBucketDeployment",
        Map.of(
            "DestinationBucketKeyPrefix", "dashboards/",
            "Include", List.of(HostingStack.HASHED_FILES),
            "SystemMetadata", Map.of("cache-control", HostingStack.IMMUTABLE)));
    hosting.hasResourceProperties(
        "Custom::CDKBucketDeployment",
        Map.of(
            "DestinationBucketKeyPrefix", "dashboards/",
            "Exclude", List.of(HostingStack.HASHED_FILES),
            "SystemMetadata", Map.of("cache-control", HostingStack.REVALIDATE),
            "DistributionPaths", List.of("/dashboards/*")));
    hosting.hasResourceProperties(
        "Custom::CDKBucketDeployment",
        Map.of("DestinationBucketKeyPrefix", "sdk/", "DistributionPaths", List.of("/sdk/*")));
  }

  @Test
  void monitoring_alarmsOnDlqIteratorAgeErrorsAndThrottles() {
    monitoring.resourceCountIs("AWS::CloudWatch::Alarm", 11);
    monitoring.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "MetricName",
                "DeliveryToS3.DataFreshness",
                "Namespace",
                "AWS/Firehose",
                "Threshold",
                900)));
    monitoring.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Map.of("MetricName", "ApproximateNumberOfMessagesVisible", "Threshold", 1));
    monitoring.hasResourceProperties(
        "AWS::CloudWatch::Alarm", Map.of("MetricName", "IteratorAge", "Threshold", 300000));
    monitoring.resourcePropertiesCountIs(
        "AWS::CloudWatch::Alarm", Match.objectLike(Map.of("MetricName", "Errors")), 3);
    monitoring.resourcePropertiesCountIs(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "Metrics",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of("Expression", Match.stringLikeRegexp(".*Reads.*Writes"))))))),
        3);
    monitoring.allResourcesProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "AlarmActions",
                List.of(Match.objectLike(Map.of("Ref", Match.stringLikeRegexp("Alarms.*")))))));
    monitoring.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
  }

  @Test
  void monitoring_alarmsOnTheLambdasEmfMetrics_deadLettersAndAggregationLag() {
    monitoring.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "Namespace",
                EmfMetrics.NAMESPACE,
                "MetricName",
                EmfMetrics.DEAD_LETTERS,
                "Dimensions",
                List.of(Map.of("Name", EmfMetrics.DIMENSION, "Value", "aggregator")),
                "Statistic",
                "Sum",
                "Threshold",
                1)));
    monitoring.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "Namespace",
                EmfMetrics.NAMESPACE,
                "MetricName",
                EmfMetrics.AGGREGATION_LAG,
                "ExtendedStatistic",
                "p99",
                "Threshold",
                300000)));
  }

  @Test
  void monitoring_dashboardGraphsEveryBusinessMetric() {
    Map<String, Map<String, Object>> dashboards =
        monitoring.findResources("AWS::CloudWatch::Dashboard");
    String body = dashboards.values().iterator().next().toString();
    for (String metric :
        List.of(
            EmfMetrics.EVENTS_ACCEPTED,
            EmfMetrics.EVENTS_REJECTED,
            EmfMetrics.PUBLISH_LATENCY,
            EmfMetrics.AGGREGATION_LAG,
            EmfMetrics.DEAD_LETTERS)) {
      assertThat(body).contains("\"" + metric + "\"");
    }
    assertThat(body).contains("\"" + EmfMetrics.NAMESPACE + "\"");
  }

  @Test
  void theThreeFunctions_areTracedByXRay() {
    api.resourcePropertiesCountIs(
        "AWS::Lambda::Function",
        Match.objectLike(Map.of("TracingConfig", Map.of("Mode", "Active"))),
        2);
    pipeline.resourcePropertiesCountIs(
        "AWS::Lambda::Function",
        Match.objectLike(Map.of("TracingConfig", Map.of("Mode", "Active"))),
        1);
  }

  @SuppressWarnings("unchecked")
  static String logicalId(Template template, String type) {
    Map<String, Map<String, Object>> found = template.findResources(type);
    assertThat(found).hasSize(1);
    return found.keySet().iterator().next();
  }
}
