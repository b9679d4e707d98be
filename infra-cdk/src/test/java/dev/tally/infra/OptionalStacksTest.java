package dev.tally.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * {@code -c archive=true -c opensearch=true -c demo=true}: every optional stack on, synthesized for
 * a concrete account and region as {@code cdk synth} does with a profile.
 */
class OptionalStacksTest {

  @TempDir static Path root;
  static TallyApp.Stacks stacks;

  @BeforeAll
  static void synth() {
    stacks =
        TestApps.build(
            root,
            Map.of(
                "log", "kinesis",
                "archive", "true",
                "opensearch", "true",
                "liveSearch", "true",
                "demo", "true",
                "corsOrigins", "https://shop.example, https://admin.example"),
            Environment.builder().account("123456789012").region("eu-west-1").build());
  }

  @Test
  void cdkNag_reportsNoUnsuppressedErrors() {
    TestApps.assertNoNagErrors(TestApps.all(stacks));
  }

  @Test
  void archive_copiesTheStreamToS3ThroughFirehose() {
    Template archive = Template.fromStack(stacks.archive());
    archive.hasResourceProperties(
        "AWS::KinesisFirehose::DeliveryStream",
        Map.of(
            "DeliveryStreamType", "KinesisStreamAsSource",
            "KinesisStreamSourceConfiguration",
                Match.objectLike(Map.of("KinesisStreamARN", Match.anyValue())),
            "ExtendedS3DestinationConfiguration",
                Match.objectLike(
                    Map.of("Prefix", ArchiveStack.DATA_PREFIX, "CompressionFormat", "GZIP"))));
    archive.hasResourceProperties(
        "AWS::S3::Bucket", Match.objectLike(Map.of("LifecycleConfiguration", Match.anyValue())));
  }

  @Test
  void search_isAnEncryptedDomainWithFineGrainedAccess() {
    Template search = Template.fromStack(stacks.search());
    search.hasResourceProperties(
        "AWS::OpenSearchService::Domain",
        Match.objectLike(
            Map.of(
                "EncryptionAtRestOptions", Map.of("Enabled", true),
                "NodeToNodeEncryptionOptions", Map.of("Enabled", true),
                "DomainEndpointOptions", Match.objectLike(Map.of("EnforceHTTPS", true)),
                "AdvancedSecurityOptions", Match.objectLike(Map.of("Enabled", true)))));
  }

  @Test
  void demoStore_hasProductsAndOrdersTables() {
    Template demo = Template.fromStack(stacks.demoStore());
    demo.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "TableName",
            "tally-demo-products",
            "KeySchema",
            List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"))));
    demo.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "TableName", "tally-demo-orders",
            "KeySchema",
                List.of(
                    Map.of("AttributeName", "pk", "KeyType", "HASH"),
                    Map.of("AttributeName", "sk", "KeyType", "RANGE")),
            "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true)));
  }

  @Test
  void corsOrigins_comeFromContext() {
    Template.fromStack(stacks.api())
        .hasResourceProperties(
            "AWS::ApiGatewayV2::Api",
            Map.of(
                "CorsConfiguration",
                Match.objectLike(
                    Map.of(
                        "AllowOrigins",
                        List.of("https://shop.example", "https://admin.example")))));
    assertThat(stacks.archive().getStackName()).isEqualTo("Tally-dev-Archive");
  }

  @Test
  void regulationRunner_deletesFromTheSearchDomainToo() {
    Template regulations = Template.fromStack(stacks.regulations());
    regulations.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "FunctionName",
            "tally-dev-regulations-runner",
            "Environment",
            Map.of(
                "Variables", Match.objectLike(Map.of("TALLY_SEARCH_ENDPOINT", Match.anyValue())))));
    assertThat(TestApps.actions(TestApps.statementsOf(regulations, "RunnerRole")))
        .contains("es:ESHttpPost", "es:ESHttpDelete");
    assertThat(TestApps.actions(TestApps.statementsOf(regulations, "ApiRole")))
        .noneMatch(a -> a.startsWith("es:"));
  }
}
