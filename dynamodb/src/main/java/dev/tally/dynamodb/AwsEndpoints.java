package dev.tally.dynamodb;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Where AWS clients point: real AWS by default, or any endpoint given by {@code AWS_ENDPOINT_URL}
 * (LocalStack, an emulator), with the AWS SDKs' per-service overrides {@code
 * AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_ENDPOINT_URL_SQS}, {@code AWS_ENDPOINT_URL_KINESIS},
 * {@code AWS_ENDPOINT_URL_S3} and {@code AWS_ENDPOINT_URL_FIREHOSE}. Read from the environment only
 * in {@code main} or a Lambda handler.
 *
 * @param keys {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} as the environment map
 *     gave them (empty: the SDK's default chain, or dummy keys for an emulator)
 */
public record AwsEndpoints(
    Optional<URI> endpoint,
    Region region,
    Map<String, URI> services,
    Optional<AwsBasicCredentials> keys) {

  public AwsEndpoints {
    services = Map.copyOf(services);
  }

  public AwsEndpoints(Optional<URI> endpoint, Region region, Map<String, URI> services) {
    this(endpoint, region, services, Optional.empty());
  }

  public AwsEndpoints(Optional<URI> endpoint, Region region) {
    this(endpoint, region, Map.of());
  }

  public static AwsEndpoints fromEnv(Map<String, String> env) {
    String region =
        env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
    Map<String, URI> services = new java.util.HashMap<>();
    for (String service : new String[] {"DYNAMODB", "SQS", "KINESIS", "S3", "FIREHOSE"}) {
      uri(env.get("AWS_ENDPOINT_URL_" + service)).ifPresent(u -> services.put(service, u));
    }
    String id = env.get("AWS_ACCESS_KEY_ID");
    String secret = env.get("AWS_SECRET_ACCESS_KEY");
    Optional<AwsBasicCredentials> keys =
        id == null || id.isBlank() || secret == null || secret.isBlank()
            ? Optional.empty()
            : Optional.of(AwsBasicCredentials.create(id, secret));
    return new AwsEndpoints(uri(env.get("AWS_ENDPOINT_URL")), Region.of(region), services, keys);
  }

  private static Optional<URI> uri(String url) {
    return url == null || url.isBlank() ? Optional.empty() : Optional.of(URI.create(url));
  }

  /**
   * True when the engine's endpoints are overridden: {@code AWS_ENDPOINT_URL}, or that of DynamoDB,
   * SQS or Kinesis (the local stack then runs the AWS engine there). S3 and Firehose endpoints
   * alone (for the archive tools) do not count.
   */
  public boolean overridden() {
    return endpoint.isPresent()
        || services.keySet().stream().anyMatch(s -> !s.equals("S3") && !s.equals("FIREHOSE"));
  }

  /**
   * The endpoints for one service ({@code DYNAMODB}, {@code SQS}, {@code KINESIS}, {@code S3},
   * {@code FIREHOSE}).
   */
  public AwsEndpoints forService(String service) {
    URI specific = services.get(service);
    return specific == null
        ? this
        : new AwsEndpoints(Optional.of(specific), region, Map.of(), keys);
  }

  /** A local emulator endpoint, with dummy credentials. */
  public static AwsEndpoints local(URI endpoint) {
    return new AwsEndpoints(Optional.of(endpoint), Region.US_EAST_1);
  }

  /** Applies endpoint, region and credentials to any SDK client builder. */
  public <B extends AwsClientBuilder<B, C>, C> B configure(B builder) {
    builder.region(region).credentialsProvider(credentials());
    endpoint.ifPresent(builder::endpointOverride);
    return builder;
  }

  /** Emulators accept any credentials; real AWS uses the default chain. */
  public AwsCredentialsProvider credentials() {
    if (keys.isPresent()) {
      return StaticCredentialsProvider.create(keys.get());
    }
    boolean realAws = endpoint.isEmpty() || endpoint.get().getHost().endsWith("amazonaws.com");
    if (!realAws && System.getenv("AWS_ACCESS_KEY_ID") == null) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create("tally", "tally"));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  public DynamoDbClient dynamoDb() {
    return forService("DYNAMODB")
        .configure(DynamoDbClient.builder())
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }
}
