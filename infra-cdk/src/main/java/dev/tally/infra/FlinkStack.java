package dev.tally.infra;

import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.emr.CfnCluster;
import software.amazon.awscdk.services.emr.CfnSecurityConfiguration;
import software.amazon.awscdk.services.iam.CfnInstanceProfile;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.constructs.Construct;

/**
 * Optional ({@code -c flink=true}, needs the Kinesis log): the aggregator as a Flink job on an
 * Amazon EMR cluster, for stores whose volume outgrows the Lambda aggregator. With this flag the
 * aggregator Lambda has no event source.
 *
 * <p>Why EMR and not Managed Service for Apache Flink: the job is Java 17 bytecode like all of
 * Tally, Managed Flink runs its 1.x runtimes on Java 11 (Java 17 arrives only with its Flink 2.2
 * runtime, for which no AWS connector resolves here), and EMR runs Flink on Java 17 from release
 * 7.1. {@value #RELEASE} ships Flink 1.19.1, the line the job is built against. The job runs in
 * YARN application mode from one step that fetches the jar (a CDK asset) and starts it with the
 * module opens Java 17 needs; checkpoints go to this stack's bucket. Billed per instance-hour while
 * the cluster exists, so it is off by default.
 */
public final class FlinkStack extends Stack {

  static final String RELEASE = "emr-7.4.0";
  static final String INSTANCE_TYPE = "m7g.xlarge";
  static final int CORE_INSTANCES = 2;
  static final int PARALLELISM = 2;
  static final int CHECKPOINT_INTERVAL_MS = 10_000;
  static final String JOB_CLASS = "dev.tally.flink.TallyFlinkJob";

  /** EMR's v2 service policy acts only on network resources that carry this tag. */
  static final String EMR_MANAGED_TAG = "for-use-with-amazon-emr-managed-policies";

  private final CfnCluster cluster;
  private final Role instanceRole;

  public FlinkStack(
      Construct scope,
      String id,
      StackProps props,
      TallyStageConfig config,
      DataStack data,
      PipelineStack pipeline,
      TallyArtifacts artifacts) {
    super(scope, id, props);
    String name = config.resourceName("flink");
    Asset jar =
        Asset.Builder.create(this, "JobJar").path(artifacts.flinkJobJar().toString()).build();

    // Checkpoints and EMR's own logs; old checkpoints and logs expire.
    Bucket bucket =
        PrivateBuckets.builder(this, "Bucket", config)
            .lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(30)).build()))
            .build();
    NagSuppressions.addResourceSuppressions(
        bucket,
        List.of(
            Nag.suppress(
                "AwsSolutions-S1",
                "Only the cluster writes here (checkpoints, its logs, flow logs); S3 server access"
                    + " logs would cost more than they tell.")));
    String checkpoints = "s3://" + bucket.getBucketName() + "/checkpoints";
    String logUri = "s3://" + bucket.getBucketName() + "/emr-logs/";

    // One public subnet, no NAT gateway: the nodes reach Kinesis, DynamoDB, SQS and S3 over the
    // internet gateway, and nothing is open inbound (EMR's managed security groups).
    Vpc vpc =
        Vpc.Builder.create(this, "Network")
            .maxAzs(1)
            .natGateways(0)
            .subnetConfiguration(
                List.of(
                    SubnetConfiguration.builder()
                        .name("emr")
                        .subnetType(SubnetType.PUBLIC)
                        .cidrMask(24)
                        .build()))
            .flowLogs(
                Map.of(
                    "all",
                    FlowLogOptions.builder()
                        .destination(FlowLogDestination.toS3(bucket, "vpc-flow-logs/"))
                        .build()))
            .build();
    Tags.of(vpc).add(EMR_MANAGED_TAG, "true");

    Role serviceRole =
        Role.Builder.create(this, "ServiceRole")
            .assumedBy(new ServicePrincipal("elasticmapreduce.amazonaws.com"))
            .description("EMR's service role for " + name)
            .managedPolicies(
                List.of(
                    ManagedPolicy.fromAwsManagedPolicyName(
                        "service-role/AmazonEMRServicePolicy_v2")))
            .build();
    NagSuppressions.addResourceSuppressions(
        serviceRole,
        List.of(
            Nag.suppress(
                "AwsSolutions-IAM4",
                "AmazonEMRServicePolicy_v2 is the policy EMR documents for its service role; it"
                    + " acts only on resources tagged "
                    + EMR_MANAGED_TAG
                    + "=true.")),
        true);

    // Exactly what the job does: read the stream, read stores, read/write metrics, park poison
    // records in the DLQ, fetch its jar, keep checkpoints and logs. No managed policy.
    instanceRole =
        Role.Builder.create(this, "NodeRole")
            .roleName(name + "-nodes")
            .assumedBy(new ServicePrincipal("ec2.amazonaws.com"))
            .description("The EMR nodes of " + name + "; holds only the grants this stack adds")
            .build();
    pipeline.stream().grantRead(instanceRole);
    data.metrics().grantReadWriteData(instanceRole);
    data.stores().grantReadData(instanceRole);
    pipeline.deadLetters().grantSendMessages(instanceRole);
    bucket.grantReadWrite(instanceRole);
    instanceRole.addToPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("s3:GetObject", "s3:GetObjectVersion"))
            .resources(List.of(jar.getBucket().arnForObjects(jar.getS3ObjectKey())))
            .build());
    // EMR passes the node role to the instances it launches.
    instanceRole.grantPassRole(serviceRole);
    CfnInstanceProfile profile =
        CfnInstanceProfile.Builder.create(this, "NodeProfile")
            .instanceProfileName(name + "-nodes")
            .roles(List.of(instanceRole.getRoleName()))
            .build();

    // Local disks and EBS volumes of the nodes are encrypted with this stack's key.
    Key key =
        Key.Builder.create(this, "DiskKey")
            .description("Encrypts the local disks of " + name)
            .enableKeyRotation(true)
            .removalPolicy(config.dataRemovalPolicy())
            .build();
    key.grantEncryptDecrypt(instanceRole);
    instanceRole.addToPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("kms:CreateGrant", "kms:DescribeKey"))
            .resources(List.of(key.getKeyArn()))
            .build());
    CfnSecurityConfiguration security =
        CfnSecurityConfiguration.Builder.create(this, "Security")
            .securityConfiguration(
                Map.of(
                    "EncryptionConfiguration",
                    Map.of(
                        "EnableInTransitEncryption",
                        false,
                        "EnableAtRestEncryption",
                        true,
                        "AtRestEncryptionConfiguration",
                        Map.of(
                            "LocalDiskEncryptionConfiguration",
                            Map.of(
                                "EncryptionKeyProviderType",
                                "AwsKms",
                                "AwsKmsKey",
                                key.getKeyArn(),
                                "EnableEbsEncryption",
                                true)))))
            .build();
    NagSuppressions.addResourceSuppressions(
        instanceRole,
        List.of(
            Nag.suppress(
                "AwsSolutions-IAM5",
                "The CDK's grants on this stack's own bucket (checkpoints, logs) and the KMS"
                    + " key's re-encrypt/generate-data-key actions use wildcards scoped to those"
                    + " two resources; every other grant names its resource.")),
        true);

    cluster =
        CfnCluster.Builder.create(this, "Cluster")
            .name(name)
            .releaseLabel(RELEASE)
            .applications(List.of(CfnCluster.ApplicationProperty.builder().name("Flink").build()))
            .serviceRole(serviceRole.getRoleName())
            .jobFlowRole(profile.getRef())
            .securityConfiguration(security.getRef())
            .logUri(logUri)
            .visibleToAllUsers(true)
            .instances(
                CfnCluster.JobFlowInstancesConfigProperty.builder()
                    .ec2SubnetId(vpc.getPublicSubnets().get(0).getSubnetId())
                    .keepJobFlowAliveWhenNoSteps(true)
                    .terminationProtected(config.isProd())
                    .masterInstanceGroup(
                        CfnCluster.InstanceGroupConfigProperty.builder()
                            .instanceCount(1)
                            .instanceType(INSTANCE_TYPE)
                            .market("ON_DEMAND")
                            .build())
                    .coreInstanceGroup(
                        CfnCluster.InstanceGroupConfigProperty.builder()
                            .instanceCount(CORE_INSTANCES)
                            .instanceType(INSTANCE_TYPE)
                            .market("ON_DEMAND")
                            .build())
                    .build())
            .steps(
                List.of(
                    CfnCluster.StepConfigProperty.builder()
                        .name("tally-flink-job")
                        .actionOnFailure("CONTINUE")
                        .hadoopJarStep(
                            CfnCluster.HadoopJarStepConfigProperty.builder()
                                .jar("command-runner.jar")
                                .args(
                                    List.of(
                                        "bash",
                                        "-c",
                                        startCommand(
                                            "s3://"
                                                + jar.getS3BucketName()
                                                + "/"
                                                + jar.getS3ObjectKey(),
                                            checkpoints,
                                            pipeline,
                                            data)))
                                .build())
                        .build()))
            .build();
    cluster.getNode().addDependency(serviceRole, instanceRole, profile, vpc);
    NagSuppressions.addResourceSuppressions(
        cluster,
        List.of(
            Nag.suppress(
                "AwsSolutions-EMR4",
                "Local disks are encrypted (security configuration above, KMS, EBS too); the rule"
                    + " looks for EnableAtRestEncryption at the top level of the configuration,"
                    + " where EMR never reads it, instead of under EncryptionConfiguration."),
            Nag.suppress(
                "AwsSolutions-EMR5",
                "In-transit encryption needs a PEM certificate bundle the operator owns; the nodes"
                    + " talk only to each other inside one private security group and to AWS"
                    + " endpoints over TLS."),
            Nag.suppress(
                "AwsSolutions-EMR6",
                "No interactive access is offered: no key pair, no inbound rule; operators use"
                    + " the EMR console, its step logs and Flink's web UI through EMR.")));
    CfnOutput.Builder.create(this, "FlinkClusterId").value(cluster.getRef()).build();
  }

  /** The step's shell line: fetch the job jar, start it in YARN application mode, detached. */
  static String startCommand(
      String jarUri, String checkpoints, PipelineStack pipeline, DataStack data) {
    List<String> line = new ArrayList<>();
    line.add("aws s3 cp " + jarUri + " /home/hadoop/tally-flink-job.jar &&");
    line.add("flink run-application -t yarn-application");
    line.add("-Dyarn.application.name=tally-aggregator");
    line.add("-Denv.java.opts.all='" + JAVA_OPENS + "'");
    line.add("-Dparallelism.default=" + PARALLELISM);
    line.add("-c " + JOB_CLASS + " /home/hadoop/tally-flink-job.jar");
    line.add("--stream " + pipeline.stream().getStreamName());
    line.add("--region " + Stack.of(pipeline).getRegion());
    line.add("--metrics-table " + data.metrics().getTableName());
    line.add("--stores-table " + data.stores().getTableName());
    line.add("--dlq-url " + pipeline.deadLetters().getQueueUrl());
    line.add("--checkpoint-dir " + checkpoints);
    line.add("--checkpoint-interval-ms " + CHECKPOINT_INTERVAL_MS);
    line.add("--parallelism " + PARALLELISM);
    return String.join(" ", line);
  }

  /** The module opens the Kinesis consumer's checkpointed state needs on Java 17. */
  static final String JAVA_OPENS =
      "--add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED";

  /** The EMR cluster (created running; the step starts the job). */
  public CfnCluster cluster() {
    return cluster;
  }

  /** The role of the cluster's nodes, which the job runs as. */
  public Role instanceRole() {
    return instanceRole;
  }
}
