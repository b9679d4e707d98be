package dev.tally.infra;

import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesisanalyticsv2.CfnApplication;
import software.amazon.awscdk.services.kinesisanalyticsv2.CfnApplicationCloudWatchLoggingOption;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.LogStream;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.assets.Asset;
import software.constructs.Construct;

/**
 * Optional ({@code -c flink=true}, needs the Kinesis log): the aggregator as a Flink job on Amazon
 * Managed Service for Apache Flink, for stores whose volume outgrows the Lambda aggregator. It
 * reads the event stream and writes the metrics table with the same writer; with this flag the
 * aggregator Lambda has no event source. The job jar ({@code flink/target/tally-flink-job.jar}) is
 * uploaded as a CDK asset; the job's settings are the runtime properties group {@value
 * #PROPERTY_GROUP}. Billed per KPU-hour while running, so it is off by default.
 */
public final class FlinkStack extends Stack {

  static final String RUNTIME = "FLINK-1_19";
  static final String PROPERTY_GROUP = "TallyJob";
  static final int PARALLELISM = 2;
  static final int CHECKPOINT_INTERVAL_MS = 10_000;

  private final CfnApplication application;
  private final Role role;

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
    LogGroup logs =
        LogGroup.Builder.create(this, "Logs")
            .logGroupName("/aws/kinesis-analytics/" + name)
            .retention(config.isProd() ? RetentionDays.THREE_MONTHS : RetentionDays.TWO_WEEKS)
            .removalPolicy(config.dataRemovalPolicy())
            .build();
    LogStream logStream =
        LogStream.Builder.create(this, "LogStream")
            .logGroup(logs)
            .logStreamName("job")
            .removalPolicy(config.dataRemovalPolicy())
            .build();

    // Exactly what the job does: read the stream, read stores, read/write metrics, park poison
    // records in the DLQ, fetch its own jar, and log. No managed policy.
    role =
        Role.Builder.create(this, "Role")
            .assumedBy(new ServicePrincipal("kinesisanalytics.amazonaws.com"))
            .description("Runs " + name + "; holds only the grants this stack adds")
            .build();
    pipeline.stream().grantRead(role);
    data.metrics().grantReadWriteData(role);
    data.stores().grantReadData(role);
    pipeline.deadLetters().grantSendMessages(role);
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("s3:GetObject", "s3:GetObjectVersion"))
            .resources(List.of(jar.getBucket().arnForObjects(jar.getS3ObjectKey())))
            .build());
    String logStreamArn =
        Stack.of(this)
            .formatArn(
                ArnComponents.builder()
                    .service("logs")
                    .resource("log-group")
                    .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                    .resourceName(
                        logs.getLogGroupName() + ":log-stream:" + logStream.getLogStreamName())
                    .build());
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("logs:PutLogEvents", "logs:DescribeLogStreams"))
            .resources(List.of(logStreamArn, logs.getLogGroupArn()))
            .build());
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("logs:DescribeLogGroups"))
            .resources(
                List.of(
                    Stack.of(this)
                        .formatArn(
                            ArnComponents.builder()
                                .service("logs")
                                .resource("log-group")
                                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                                .resourceName("*")
                                .build())))
            .build());
    NagSuppressions.addResourceSuppressions(
        role,
        List.of(
            Nag.suppress(
                "AwsSolutions-IAM5",
                "Managed Flink's CloudWatch logging calls logs:DescribeLogGroups, which lists log"
                    + " groups and cannot be scoped to one; every other grant names its resource.",
                List.of(
                    io.github.cdklabs.cdknag.RegexAppliesTo.builder()
                        .regex("/^Resource::arn:<AWS::Partition>:logs:.*:log-group:\\*$/")
                        .build()))),
        true);

    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("stream", pipeline.stream().getStreamName());
    properties.put("region", getRegion());
    properties.put("metrics-table", data.metrics().getTableName());
    properties.put("stores-table", data.stores().getTableName());
    properties.put("dlq-url", pipeline.deadLetters().getQueueUrl());

    application =
        CfnApplication.Builder.create(this, "Application")
            .applicationName(name)
            .applicationDescription("Tally's aggregator on Flink: Kinesis → Tally's writer")
            .runtimeEnvironment(RUNTIME)
            .serviceExecutionRole(role.getRoleArn())
            .applicationConfiguration(
                CfnApplication.ApplicationConfigurationProperty.builder()
                    .applicationCodeConfiguration(
                        CfnApplication.ApplicationCodeConfigurationProperty.builder()
                            .codeContentType("ZIPFILE")
                            .codeContent(
                                CfnApplication.CodeContentProperty.builder()
                                    .s3ContentLocation(
                                        CfnApplication.S3ContentLocationProperty.builder()
                                            .bucketArn(jar.getBucket().getBucketArn())
                                            .fileKey(jar.getS3ObjectKey())
                                            .build())
                                    .build())
                            .build())
                    .environmentProperties(
                        CfnApplication.EnvironmentPropertiesProperty.builder()
                            .propertyGroups(
                                List.of(
                                    CfnApplication.PropertyGroupProperty.builder()
                                        .propertyGroupId(PROPERTY_GROUP)
                                        .propertyMap(properties)
                                        .build()))
                            .build())
                    .flinkApplicationConfiguration(
                        CfnApplication.FlinkApplicationConfigurationProperty.builder()
                            .checkpointConfiguration(
                                CfnApplication.CheckpointConfigurationProperty.builder()
                                    .configurationType("CUSTOM")
                                    .checkpointingEnabled(true)
                                    .checkpointInterval(CHECKPOINT_INTERVAL_MS)
                                    .minPauseBetweenCheckpoints(CHECKPOINT_INTERVAL_MS / 2)
                                    .build())
                            .monitoringConfiguration(
                                CfnApplication.MonitoringConfigurationProperty.builder()
                                    .configurationType("CUSTOM")
                                    .logLevel("INFO")
                                    .metricsLevel("APPLICATION")
                                    .build())
                            .parallelismConfiguration(
                                CfnApplication.ParallelismConfigurationProperty.builder()
                                    .configurationType("CUSTOM")
                                    .parallelism(PARALLELISM)
                                    .parallelismPerKpu(1)
                                    .autoScalingEnabled(true)
                                    .build())
                            .build())
                    .applicationSnapshotConfiguration(
                        CfnApplication.ApplicationSnapshotConfigurationProperty.builder()
                            .snapshotsEnabled(true)
                            .build())
                    .build())
            .build();
    // The role's policy must exist before the service validates the application with it.
    application.getNode().addDependency(role);
    CfnApplicationCloudWatchLoggingOption logging =
        CfnApplicationCloudWatchLoggingOption.Builder.create(this, "Logging")
            .applicationName(application.getRef())
            .cloudWatchLoggingOption(
                CfnApplicationCloudWatchLoggingOption.CloudWatchLoggingOptionProperty.builder()
                    .logStreamArn(logStreamArn)
                    .build())
            .build();
    logging.getNode().addDependency(application);
    CfnOutput.Builder.create(this, "FlinkApplicationName").value(application.getRef()).build();
  }

  /** The Managed Service for Apache Flink application (created READY; start it to run). */
  public CfnApplication application() {
    return application;
  }

  /** The application's service execution role. */
  public Role role() {
    return role;
  }
}
