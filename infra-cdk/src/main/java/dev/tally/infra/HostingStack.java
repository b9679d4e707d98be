package dev.tally.infra;

import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudfront.AllowedMethods;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.FunctionAssociation;
import software.amazon.awscdk.services.cloudfront.FunctionCode;
import software.amazon.awscdk.services.cloudfront.FunctionEventType;
import software.amazon.awscdk.services.cloudfront.FunctionRuntime;
import software.amazon.awscdk.services.cloudfront.HttpVersion;
import software.amazon.awscdk.services.cloudfront.OriginProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.OriginRequestPolicy;
import software.amazon.awscdk.services.cloudfront.PriceClass;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.HttpOrigin;
import software.amazon.awscdk.services.cloudfront.origins.S3BucketOrigin;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.CacheControl;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.constructs.Construct;

/**
 * A private S3 bucket behind CloudFront (origin access control) serving the dashboards under {@code
 * /dashboards/*} and the browser SDK under {@code /sdk/*}. The HTTP API is routed through the same
 * distribution so the dashboards call {@code /api/v1} on their own origin.
 */
public final class HostingStack extends Stack {

  /** Files whose name carries an 8-hex content hash, e.g. {@code app.3f9a2b1c.js}. */
  static final String HASHED_FILES =
      "*.[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f].*";

  static final String IMMUTABLE = "public, max-age=31536000, immutable";
  static final String REVALIDATE = "public, max-age=60, must-revalidate";
  static final String SDK_CACHE = "public, max-age=300";

  /** Dashboard routes without a file extension get the app shell (SPA fallback). */
  static final String ROUTER_CODE =
      """
      function handler(event) {
        var request = event.request;
        var uri = request.uri;
        if (uri === '/' || uri === '/dashboards' || uri === '/dashboards/') {
          request.uri = '/dashboards/index.html';
        } else if (uri.startsWith('/dashboards/') && uri.lastIndexOf('.') < uri.lastIndexOf('/')) {
          request.uri = '/dashboards/index.html';
        }
        return request;
      }
      """;

  private final Bucket bucket;
  private final Distribution distribution;

  public HostingStack(
      Construct scope,
      String id,
      StackProps props,
      TallyStageConfig config,
      ApiStack api,
      TallyArtifacts artifacts) {
    super(scope, id, props);
    bucket = PrivateBuckets.builder(this, "Site", config).build();

    software.amazon.awscdk.services.cloudfront.Function router =
        software.amazon.awscdk.services.cloudfront.Function.Builder.create(this, "Router")
            .runtime(FunctionRuntime.JS_2_0)
            .comment("SPA fallback for the dashboards")
            .code(FunctionCode.fromInline(ROUTER_CODE))
            .build();

    // execute-api's endpoint is https://ID.execute-api.REGION.amazonaws.com: keep the host.
    String apiHost = Fn.select(2, Fn.split("/", api.api().getApiEndpoint()));
    BehaviorOptions toApi =
        BehaviorOptions.builder()
            .origin(
                HttpOrigin.Builder.create(apiHost)
                    .protocolPolicy(OriginProtocolPolicy.HTTPS_ONLY)
                    .build())
            .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
            .allowedMethods(AllowedMethods.ALLOW_ALL)
            .cachePolicy(CachePolicy.CACHING_DISABLED)
            .originRequestPolicy(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER)
            .build();

    distribution =
        Distribution.Builder.create(this, "Cdn")
            .comment(config.resourceName("site"))
            .priceClass(PriceClass.PRICE_CLASS_100)
            .httpVersion(HttpVersion.HTTP2_AND_3)
            .defaultBehavior(
                BehaviorOptions.builder()
                    .origin(S3BucketOrigin.withOriginAccessControl(bucket))
                    .viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)
                    // Honours each object's Cache-Control, set per file class below.
                    .cachePolicy(CachePolicy.CACHING_OPTIMIZED)
                    .compress(true)
                    .functionAssociations(
                        List.of(
                            FunctionAssociation.builder()
                                .function(router)
                                .eventType(FunctionEventType.VIEWER_REQUEST)
                                .build()))
                    .build())
            .additionalBehaviors(new TreeMap<>(Map.of("/api/*", toApi, "/v1/*", toApi)))
            .build();

    deployStaticFiles(artifacts);
    suppressNagFindings();
    CfnOutput.Builder.create(this, "SiteUrl")
        .value("https://" + distribution.getDistributionDomainName())
        .build();
  }

  private void deployStaticFiles(TallyArtifacts artifacts) {
    String dashboards = artifacts.dashboardsDir().toString();
    // Hashed names change whenever their content does, so browsers may keep them for a year.
    BucketDeployment.Builder.create(this, "DashboardsHashed")
        .sources(List.of(Source.asset(dashboards)))
        .destinationBucket(bucket)
        .destinationKeyPrefix("dashboards/")
        .exclude(List.of("*"))
        .include(List.of(HASHED_FILES))
        .cacheControl(List.of(CacheControl.fromString(IMMUTABLE)))
        .build();
    // Stable names (index.html, modules) must revalidate, and are invalidated on each deploy.
    BucketDeployment.Builder.create(this, "Dashboards")
        .sources(List.of(Source.asset(dashboards)))
        .destinationBucket(bucket)
        .destinationKeyPrefix("dashboards/")
        .exclude(List.of(HASHED_FILES))
        .cacheControl(List.of(CacheControl.fromString(REVALIDATE)))
        .distribution(distribution)
        .distributionPaths(List.of("/dashboards/*"))
        .build();
    // Stores embed /sdk/tally.min.js by a fixed URL, so it gets a short cache and invalidation.
    BucketDeployment.Builder.create(this, "Sdk")
        .sources(List.of(Source.asset(artifacts.sdkDir().toString())))
        .destinationBucket(bucket)
        .destinationKeyPrefix("sdk/")
        .cacheControl(List.of(CacheControl.fromString(SDK_CACHE)))
        .distribution(distribution)
        .distributionPaths(List.of("/sdk/*"))
        .build();
  }

  private void suppressNagFindings() {
    // BucketDeployment's singleton copier Lambda belongs to the CDK, which sets its runtime and
    // role; it runs only during a deploy.
    getNode().getChildren().stream()
        .filter(child -> child.getNode().getId().startsWith("Custom::CDKBucketDeployment"))
        .forEach(
            copier ->
                NagSuppressions.addResourceSuppressions(
                    copier,
                    List.of(
                        Nag.suppress(
                            "AwsSolutions-L1",
                            "The CDK pins the runtime of BucketDeployment's copier Lambda."),
                        Nag.suppress(
                            "AwsSolutions-IAM4",
                            "The CDK's copier uses AWSLambdaBasicExecutionRole for its own logs.",
                            List.of(
                                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                                    + "AWSLambdaBasicExecutionRole")),
                        Nag.suppress(
                            "AwsSolutions-IAM5",
                            "The copier syncs whole prefixes: it must read every object of the CDK"
                                + " asset bucket and write/delete every object of the site"
                                + " bucket, and create CloudFront invalidations.",
                            List.of(
                                "Action::s3:GetObject*",
                                "Action::s3:GetBucket*",
                                "Action::s3:List*",
                                "Action::s3:DeleteObject*",
                                "Action::s3:Abort*",
                                // The CDK asset bucket; its name holds the region when known.
                                RegexAppliesTo.builder()
                                    .regex(
                                        "/^Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-.*\\/\\*$/g")
                                    .build(),
                                "Resource::<"
                                    + getLogicalId((CfnElement) bucket.getNode().getDefaultChild())
                                    + ".Arn>/*",
                                "Resource::*"))),
                    true));
    NagSuppressions.addResourceSuppressions(
        bucket,
        List.of(
            Nag.suppress(
                "AwsSolutions-S1",
                "Public static files rebuilt from the repo; CloudFront metrics cover traffic, and"
                    + " access logs would cost more than the site at small scale.")));
    NagSuppressions.addResourceSuppressions(
        distribution,
        List.of(
            Nag.suppress(
                "AwsSolutions-CFR1", "Dashboards and SDK are for stores anywhere: no geo limit."),
            Nag.suppress(
                "AwsSolutions-CFR2",
                "No WAF: a web ACL has a monthly charge, against the zero-idle-cost rule; the API"
                    + " has its own throttling."),
            Nag.suppress(
                "AwsSolutions-CFR3",
                "No access logs: the S3 log bucket needs ACLs and costs more than the site at"
                    + " small scale; CloudFront's standard metrics are on."),
            Nag.suppress(
                "AwsSolutions-CFR4",
                "Uses the default *.cloudfront.net certificate, whose TLS floor CloudFront fixes;"
                    + " add a custom domain and certificate to pin TLSv1.2_2021.")));
  }

  /** The private bucket behind CloudFront. */
  public Bucket bucket() {
    return bucket;
  }

  /** The CloudFront distribution. */
  public Distribution distribution() {
    return distribution;
  }
}
