package dev.tally.ingest.lambda;

import dev.tally.core.port.EventLog;
import dev.tally.core.port.ItemDedupStore;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.dynamodb.TableNames;
import dev.tally.ingest.IngestConfig;
import dev.tally.ingest.IngestHttp;
import dev.tally.ingest.IngestMetrics;
import dev.tally.ingest.IngestService;
import dev.tally.ingest.RejectedEvents;
import dev.tally.ingest.log.KinesisEventLog;
import dev.tally.ingest.log.SqsEventLog;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds ingest for Lambda from its environment: {@code TALLY_STORES_TABLE}, {@code
 * TALLY_DEDUP_TABLE}, {@code TALLY_LOG} ({@code sqs}, the default, or {@code kinesis}), {@code
 * TALLY_QUEUE_URL} or {@code TALLY_STREAM_NAME}; optional {@code TALLY_DEDUP_TTL_HOURS} (default
 * 24) and {@code TALLY_MAX_EVENT_AGE_DAYS} (default 30, live endpoints only), plus {@code
 * AWS_ENDPOINT_URL} for emulators.
 */
final class IngestWiring {
  private IngestWiring() {}

  static IngestHttp fromEnv(Map<String, String> env) {
    AwsEndpoints aws = AwsEndpoints.fromEnv(env);
    TableNames tables = TableNames.fromEnv(env);
    DynamoDbClient ddb = aws.dynamoDb();
    Duration dedupTtl = Duration.ofHours(longEnv(env, "TALLY_DEDUP_TTL_HOURS", 24));
    IngestConfig config = IngestConfig.defaults();
    config =
        config.withParse(
            config
                .parse()
                .withMaxAge(Duration.ofDays(longEnv(env, "TALLY_MAX_EVENT_AGE_DAYS", 30))));
    IngestService service =
        new IngestService(
            config,
            new ItemStoreRegistry(
                DynamoDbItemStore.keyOnly(ddb, tables.stores(), Clock.systemUTC())),
            new ItemDedupStore(
                DynamoDbItemStore.keyOnly(ddb, tables.dedup(), Clock.systemUTC()),
                dedupTtl,
                Clock.systemUTC()),
            log(env, aws),
            Clock.systemUTC(),
            IngestMetrics.noop(),
            RejectedEvents.logged(),
            // Suppressed people (hashed ids in the stores table): accepted and dropped.
            new dev.tally.core.regulation.ItemSuppressionList(
                DynamoDbItemStore.keyOnly(ddb, tables.stores(), Clock.systemUTC()),
                Clock.systemUTC()));
    return new IngestHttp(service);
  }

  static EventLog log(Map<String, String> env, AwsEndpoints aws) {
    String kind = env.getOrDefault("TALLY_LOG", "sqs").trim().toLowerCase(Locale.ROOT);
    if (kind.equals("kinesis")) {
      KinesisClient kinesis =
          aws.forService("KINESIS")
              .configure(KinesisClient.builder())
              .httpClient(UrlConnectionHttpClient.create())
              .build();
      return new KinesisEventLog(kinesis, required(env, "TALLY_STREAM_NAME"));
    }
    if (!kind.equals("sqs")) {
      throw new IllegalStateException("TALLY_LOG must be sqs or kinesis, not " + kind);
    }
    SqsClient sqs =
        aws.forService("SQS")
            .configure(SqsClient.builder())
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    return new SqsEventLog(sqs, required(env, "TALLY_QUEUE_URL"));
  }

  private static String required(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(name + " must be set");
    }
    return v;
  }

  private static long longEnv(Map<String, String> env, String name, long dflt) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(name + " must be a whole number, not '" + v + "'", e);
    }
  }
}
