package dev.tally.infra;

import io.github.cdklabs.cdknag.NagSuppressions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * A Tally Lambda built from a shaded jar: arm64, SnapStart, its own log group, and a role that
 * starts with no permissions at all (callers grant exactly what the handler needs).
 */
public final class TallyFunction extends Construct implements IGrantable {

  /** What differs between Tally's functions. */
  public record Props(
      String name, Path jar, String handler, Duration timeout, Map<String, String> environment) {}

  static final int MEMORY_MB = 1024;

  private final Function function;
  private final Alias live;

  public TallyFunction(Construct scope, String id, TallyStageConfig config, Props props) {
    super(scope, id);
    LogGroup logs =
        LogGroup.Builder.create(this, "Logs")
            .logGroupName("/aws/lambda/" + props.name())
            .retention(config.isProd() ? RetentionDays.THREE_MONTHS : RetentionDays.TWO_WEEKS)
            .removalPolicy(config.dataRemovalPolicy())
            .build();
    // A role of our own instead of AWSLambdaBasicExecutionRole: that managed policy may write to
    // every log group in the account.
    Role role =
        Role.Builder.create(this, "Role")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .description("Runs " + props.name() + "; holds only the grants its stack adds")
            .build();
    logs.grantWrite(role);
    function =
        Function.Builder.create(this, "Function")
            .functionName(props.name())
            .runtime(Runtime.JAVA_21)
            .architecture(Architecture.ARM_64)
            .memorySize(MEMORY_MB)
            .timeout(props.timeout())
            .code(Code.fromAsset(props.jar().toString()))
            .handler(props.handler())
            .environment(props.environment())
            .role(role)
            .logGroup(logs)
            .loggingFormat(LoggingFormat.JSON)
            // X-Ray active tracing: every invocation is traced, with its calls to AWS services.
            .tracing(Tracing.ACTIVE)
            // SnapStart restores a snapshot taken after init, so the JVM's cold start (class
            // loading, SDK clients) is paid once per published version, not per new container.
            .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
            .build();
    // Tracing.ACTIVE grants xray:PutTraceSegments and xray:PutTelemetryRecords, which X-Ray
    // only accepts on "*": it has no resource-level permissions.
    NagSuppressions.addResourceSuppressions(
        role,
        List.of(
            Nag.suppress(
                "AwsSolutions-IAM5",
                "X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level"
                    + " permissions, so active tracing needs Resource *.",
                List.of("Resource::*"))),
        true);
    NagSuppressions.addResourceSuppressions(
        function,
        List.of(
            Nag.suppress(
                "AwsSolutions-L1",
                "java21 is the newest Java runtime the handlers are built and tested for (they"
                    + " target Java 17); move to the next LTS when the build does.")));
    Annotations.of(function)
        .acknowledgeWarning(
            "@aws-cdk/aws-lambda:snapStartRequirePublish",
            "Every deploy publishes a version through the live alias below.");
    // SnapStart applies only to published versions, so every caller goes through this alias.
    live =
        Alias.Builder.create(this, "Live")
            .aliasName("live")
            .version(function.getCurrentVersion())
            .build();
  }

  /** The unqualified function, for metrics and alarms. */
  public Function function() {
    return function;
  }

  /** The {@code live} alias on the latest published (snapshotted) version: invoke this. */
  public Alias live() {
    return live;
  }

  @Override
  public IPrincipal getGrantPrincipal() {
    return function.getGrantPrincipal();
  }
}
