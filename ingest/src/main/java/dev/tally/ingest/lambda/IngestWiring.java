package dev.tally.ingest.lambda;

import dev.tally.core.config.TallyConfig;
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
import dev.tally.observability.EmfMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds ingest for Lambda from its environment, read once by {@link TallyConfig} (tables, log,
 * queue or stream, dedup TTL, maximum event age) and {@link AwsEndpoints} ({@code AWS_ENDPOINT_URL}
 * for emulators).
 */
final class IngestWiring {
  private IngestWiring() {}

  static IngestHttp fromEnv(Map<String, String> env, EmfMetrics metrics) {
    TallyConfig tally = TallyConfig.fromEnv(env);
    AwsEndpoints aws = AwsEndpoints.fromEnv(env);
    TableNames tables = TableNames.of(tally);
    DynamoDbClient ddb = aws.dynamoDb();
    Duration dedupTtl = tally.dedupTtl();
    IngestConfig config = IngestConfig.defaults();
    config = config.withParse(config.parse().withMaxAge(tally.maxEventAge()));
    IngestService service =
        new IngestService(
            config,
            new ItemStoreRegistry(
                DynamoDbItemStore.keyOnly(ddb, tables.stores(), Clock.systemUTC())),
            new ItemDedupStore(
                DynamoDbItemStore.keyOnly(ddb, tables.dedup(), Clock.systemUTC()),
                dedupTtl,
                Clock.systemUTC()),
            log(tally, aws),
            Clock.systemUTC(),
            IngestMetrics.emf(metrics),
            RejectedEvents.logged(),
            // Suppressed people (hashed ids in the stores table): accepted and dropped.
            new dev.tally.core.regulation.ItemSuppressionList(
                DynamoDbItemStore.keyOnly(ddb, tables.stores(), Clock.systemUTC()),
                Clock.systemUTC()));
    return new IngestHttp(service);
  }

  static EventLog log(TallyConfig config, AwsEndpoints aws) {
    if (config.log() == TallyConfig.LogKind.KINESIS) {
      KinesisClient kinesis =
          aws.forService("KINESIS")
              .configure(KinesisClient.builder())
              .httpClient(UrlConnectionHttpClient.create())
              .build();
      return new KinesisEventLog(
          kinesis, TallyConfig.required(config.streamName(), "TALLY_STREAM_NAME"));
    }
    SqsClient sqs =
        aws.forService("SQS")
            .configure(SqsClient.builder())
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    return new SqsEventLog(sqs, TallyConfig.required(config.queueUrl(), "TALLY_QUEUE_URL"));
  }
}
