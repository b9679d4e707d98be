package dev.tally.infra;

import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.EbsDeviceVolumeType;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.opensearchservice.AdvancedSecurityOptions;
import software.amazon.awscdk.services.opensearchservice.CapacityConfig;
import software.amazon.awscdk.services.opensearchservice.Domain;
import software.amazon.awscdk.services.opensearchservice.EbsOptions;
import software.amazon.awscdk.services.opensearchservice.EncryptionAtRestOptions;
import software.amazon.awscdk.services.opensearchservice.EngineVersion;
import software.amazon.awscdk.services.opensearchservice.LoggingOptions;
import software.amazon.awscdk.services.opensearchservice.TLSSecurityPolicy;
import software.constructs.Construct;

/**
 * Optional ({@code -c opensearch=true}): a small OpenSearch domain for ad-hoc search over raw
 * events. It bills per instance-hour even when idle, which is why it is off by default.
 */
public final class SearchStack extends Stack {

  private final Domain domain;
  private final Role admin;

  public SearchStack(Construct scope, String id, StackProps props, TallyStageConfig config) {
    super(scope, id, props);
    // Fine-grained access control maps this role to the OpenSearch admin; people assume it.
    admin =
        Role.Builder.create(this, "Admin")
            .assumedBy(new AccountRootPrincipal())
            .description("OpenSearch master user for " + config.resourceName("search"))
            .build();
    domain =
        Domain.Builder.create(this, "Domain")
            .domainName(config.resourceName("search"))
            .version(EngineVersion.OPENSEARCH_2_19)
            .capacity(
                CapacityConfig.builder()
                    .dataNodes(1)
                    .dataNodeInstanceType("t3.small.search")
                    .multiAzWithStandbyEnabled(false)
                    .build())
            .ebs(EbsOptions.builder().volumeSize(10).volumeType(EbsDeviceVolumeType.GP3).build())
            .encryptionAtRest(EncryptionAtRestOptions.builder().enabled(true).build())
            .nodeToNodeEncryption(true)
            .enforceHttps(true)
            .tlsSecurityPolicy(TLSSecurityPolicy.TLS_1_2)
            .fineGrainedAccessControl(
                AdvancedSecurityOptions.builder().masterUserArn(admin.getRoleArn()).build())
            .logging(
                LoggingOptions.builder()
                    .appLogEnabled(true)
                    .slowSearchLogEnabled(true)
                    .slowIndexLogEnabled(true)
                    .build())
            .removalPolicy(config.dataRemovalPolicy())
            .build();
    NagSuppressions.addResourceSuppressions(
        domain,
        List.of(
            Nag.suppress(
                "AwsSolutions-OS1",
                "No VPC: Tally has no VPC (and no NAT cost); access needs a signed request from"
                    + " the admin role, enforced by fine-grained access control over HTTPS."),
            Nag.suppress(
                "AwsSolutions-OS3",
                "Access is by IAM identity through fine-grained access control, not by source IP."),
            Nag.suppress(
                "AwsSolutions-OS4",
                "One data node, no dedicated masters: a small search sidecar, not a system of"
                    + " record; dedicated masters would triple the idle cost."),
            Nag.suppress(
                "AwsSolutions-OS5",
                "Fine-grained access control with an IAM master user; anonymous requests are"
                    + " refused."),
            Nag.suppress(
                "AwsSolutions-OS7",
                "Single node without zone awareness to keep cost low; the raw events stay in the"
                    + " stream and the S3 archive.")),
        true);
    // The slow/app logs need a CloudWatch Logs resource policy, which the CDK writes through its
    // own AwsCustomResource Lambda; these are that helper's findings.
    NagSuppressions.addStackSuppressions(
        this,
        List.of(
            Nag.suppress(
                "AwsSolutions-IAM4",
                "The CDK's log-policy helper Lambda uses AWSLambdaBasicExecutionRole.",
                List.of(
                    "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                        + "AWSLambdaBasicExecutionRole")),
            Nag.suppress(
                "AwsSolutions-IAM5",
                "logs:PutResourcePolicy has no resource-level permissions, so it needs *.",
                List.of("Resource::*"))));
    CfnOutput.Builder.create(this, "SearchEndpoint").value(domain.getDomainEndpoint()).build();
  }

  /** The OpenSearch domain. */
  public Domain domain() {
    return domain;
  }

  /** The role mapped to the OpenSearch admin user. */
  public Role admin() {
    return admin;
  }
}
