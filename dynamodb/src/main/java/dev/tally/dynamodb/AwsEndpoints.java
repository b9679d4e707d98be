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
 * (LocalStack, DynamoDB Local, ElasticMQ). Read from the environment only in {@code main} or a
 * Lambda handler.
 */
public record AwsEndpoints(Optional<URI> endpoint, Region region) {

  public static AwsEndpoints fromEnv(Map<String, String> env) {
    String url = env.get("AWS_ENDPOINT_URL");
    String region =
        env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
    return new AwsEndpoints(
        url == null || url.isBlank() ? Optional.empty() : Optional.of(URI.create(url)),
        Region.of(region));
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
    boolean realAws = endpoint.isEmpty() || endpoint.get().getHost().endsWith("amazonaws.com");
    if (!realAws && System.getenv("AWS_ACCESS_KEY_ID") == null) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create("tally", "tally"));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  public DynamoDbClient dynamoDb() {
    return configure(DynamoDbClient.builder()).httpClient(UrlConnectionHttpClient.create()).build();
  }
}
