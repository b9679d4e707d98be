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
 * {@code -c flink=true}: the aggregator runs as a Flink job on an EMR cluster (Flink 1.19 on Java
 * 17), reading the Kinesis stream, and the aggregator Lambda stops reading it.
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
  void cluster_isEmr74WithFlink_onJava17_keptAliveWithEncryptedDisksAndLogsInItsBucket() {
    assertThat(stacks.flink().getStackName()).isEqualTo("Tally-dev-Flink");
    flink.resourceCountIs("AWS::EMR::Cluster", 1);
    flink.hasResourceProperties(
        "AWS::EMR::Cluster",
        Match.objectLike(
            Map.of(
                "Name", "tally-dev-flink",
                "ReleaseLabel", "emr-7.4.0",
                "Applications", List.of(Map.of("Name", "Flink")),
                "SecurityConfiguration", Match.anyValue(),
                "LogUri", Match.anyValue(),
                "Instances",
                    Match.objectLike(
                        Map.of(
                            "KeepJobFlowAliveWhenNoSteps",
                            true,
                            "CoreInstanceGroup",
                            Match.objectLike(Map.of("InstanceCount", 2)))))));
    flink.hasResourceProperties(
        "AWS::EMR::SecurityConfiguration",
        Map.of(
            "SecurityConfiguration",
            Match.objectLike(
                Map.of(
                    "EncryptionConfiguration",
                    Match.objectLike(
                        Map.of(
                            "EnableAtRestEncryption",
                            true,
                            "AtRestEncryptionConfiguration",
                            Map.of(
                                "LocalDiskEncryptionConfiguration",
                                Match.objectLike(
                                    Map.of(
                                        "EncryptionKeyProviderType",
                                        "AwsKms",
                                        "EnableEbsEncryption",
                                        true)))))))));
  }

  @Test
  void step_startsTheJobJar_inYarnApplicationMode_withTheOpensCheckpointsAndEverySetting() {
    String line = stepLine();
    assertThat(line)
        .contains("aws s3 cp s3://")
        .contains(".jar /home/hadoop/tally-flink-job.jar &&")
        .contains("flink run-application -t yarn-application")
        .contains("-Denv.java.opts.all='" + FlinkStack.JAVA_OPENS + "'")
        .contains("-c dev.tally.flink.TallyFlinkJob /home/hadoop/tally-flink-job.jar")
        .contains("--stream ")
        .contains("--metrics-table ")
        .contains("--stores-table ")
        .contains("--dlq-url ")
        .contains("--checkpoint-dir s3://")
        .contains("--checkpoint-interval-ms 10000")
        .contains("--parallelism 2");
  }

  /** The step's shell line, with CloudFormation's joins flattened to text. */
  @SuppressWarnings("unchecked")
  private static String stepLine() {
    Map<String, Map<String, Object>> clusters = flink.findResources("AWS::EMR::Cluster", Map.of());
    Map<String, Object> props =
        (Map<String, Object>) clusters.values().iterator().next().get("Properties");
    List<Map<String, Object>> steps = (List<Map<String, Object>>) props.get("Steps");
    assertThat(steps).hasSize(1);
    Map<String, Object> jarStep = (Map<String, Object>) steps.get(0).get("HadoopJarStep");
    assertThat(jarStep.get("Jar")).isEqualTo("command-runner.jar");
    List<Object> args = (List<Object>) jarStep.get("Args");
    assertThat(args.subList(0, 2)).containsExactly("bash", "-c");
    return flatten(args.get(2));
  }

  @SuppressWarnings("unchecked")
  private static String flatten(Object node) {
    if (node instanceof String s) {
      return s;
    }
    if (node instanceof Map<?, ?> m && m.containsKey("Fn::Join")) {
      List<Object> join = (List<Object>) m.get("Fn::Join");
      StringBuilder out = new StringBuilder();
      for (Object part : (List<Object>) join.get(1)) {
        out.append(flatten(part));
      }
      return out.toString();
    }
    return "<" + node + ">";
  }

  @Test
  void serviceRole_isEmrs_withItsV2Policy_andTheNetworkCarriesTheTagThatPolicyNeeds() {
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
                                    Map.of("Service", "elasticmapreduce.amazonaws.com")))))),
                "ManagedPolicyArns",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "Fn::Join",
                            Match.arrayWith(
                                List.of(
                                    Match.arrayWith(
                                        List.of(
                                            ":iam::aws:policy/service-role/"
                                                + "AmazonEMRServicePolicy_v2"))))))))));
    flink.hasResourceProperties(
        "AWS::EC2::Subnet",
        Match.objectLike(
            Map.of(
                "Tags",
                Match.arrayWith(
                    List.of(Map.of("Key", FlinkStack.EMR_MANAGED_TAG, "Value", "true"))))));
  }

  @Test
  void nodeRole_mayOnlyReadTheStreamWriteMetricsReadStoresUseTheDlqAndItsOwnBucket() {
    flink.hasResourceProperties(
        "AWS::IAM::Role",
        Match.objectLike(
            Map.of(
                "RoleName",
                "tally-dev-flink-nodes",
                "AssumeRolePolicyDocument",
                Match.objectLike(
                    Map.of(
                        "Statement",
                        List.of(
                            Match.objectLike(
                                Map.of("Principal", Map.of("Service", "ec2.amazonaws.com")))))))));
    List<Map<String, Object>> statements = TestApps.statementsOf(flink, "NodeRole");
    List<String> actions = TestApps.actions(statements);
    assertThat(actions)
        .contains(
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:ListShards",
            "dynamodb:UpdateItem",
            "dynamodb:BatchGetItem",
            "sqs:SendMessage",
            "s3:GetObject")
        .noneMatch(a -> a.startsWith("kinesis:Put"))
        .noneMatch(a -> a.startsWith("iam:"));
    assertThat(TestApps.actionsOn(statements, "Stores"))
        .contains("dynamodb:GetItem")
        .noneMatch(a -> a.matches("dynamodb:(Put|Update|Delete|BatchWrite).*"));
    assertThat(TestApps.actionsOn(statements, "Dedup")).isEmpty();
    for (Map<String, Object> statement : statements) {
      assertThat(String.valueOf(statement.get("Resource")))
          .as("resource of %s", statement.get("Action"))
          .isNotEqualTo("*");
    }
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
