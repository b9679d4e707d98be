package dev.tally.aggregator.lambda;

import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.AggregatorService;
import dev.tally.aggregator.Archive;
import dev.tally.aggregator.ItemBadEvents;
import dev.tally.aggregator.firehose.FirehoseArchive;
import dev.tally.aggregator.sqs.SqsDeadLetters;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.dynamodb.TableNames;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Builds the aggregator's collaborators from a Lambda environment, once per container. */
final class LambdaWiring {
  private LambdaWiring() {}

  static LogBatch fromEnv(Map<String, String> env) {
    String dlqUrl = env.get("TALLY_DLQ_URL");
    if (dlqUrl == null || dlqUrl.isBlank()) {
      throw new IllegalStateException("TALLY_DLQ_URL is required");
    }
    TableNames tables = TableNames.fromEnv(env);
    AwsEndpoints aws = AwsEndpoints.fromEnv(env);
    DynamoDbClient ddb = aws.dynamoDb();
    SqsClient sqs =
        aws.forService("SQS")
            .configure(SqsClient.builder())
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    DynamoDbItemStore metrics = DynamoDbItemStore.create(ddb, tables.metrics(), Clock.systemUTC());
    AggregatorService service =
        new AggregatorService(
            new ItemStoreRegistry(
                DynamoDbItemStore.keyOnly(ddb, tables.stores(), Clock.systemUTC())),
            new dev.tally.aggregator.regulation.SuppressingMetricWriter(
                new ItemMetricWriter(metrics, config(env)),
                new dev.tally.core.regulation.ItemSuppressionList(
                    DynamoDbItemStore.keyOnly(ddb, tables.stores(), Clock.systemUTC()),
                    Clock.systemUTC())),
            new ItemBadEvents(metrics, Clock.systemUTC()));
    return new LogBatch(service, new SqsDeadLetters(sqs, dlqUrl), archive(env, aws));
  }

  /**
   * {@code TALLY_ARCHIVE_STREAM}: the Firehose delivery stream the SQS-mode aggregator archives
   * each batch to before acknowledging it; unset: no archive (Kinesis mode, where Firehose reads
   * the stream itself).
   */
  static Archive archive(Map<String, String> env, AwsEndpoints aws) {
    String stream = env.get("TALLY_ARCHIVE_STREAM");
    if (stream == null || stream.isBlank()) {
      return Archive.none();
    }
    FirehoseClient firehose =
        aws.forService("FIREHOSE")
            .configure(FirehoseClient.builder())
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    return FirehoseArchive.create(firehose, stream.trim());
  }

  /** {@code TALLY_SHARDS} must match the query side's, which merges that many store-day shards. */
  static AggregatorConfig config(Map<String, String> env) {
    AggregatorConfig d = AggregatorConfig.defaults();
    String shards = env.get("TALLY_SHARDS");
    return shards == null || shards.isBlank()
        ? d
        : new AggregatorConfig(
            Integer.parseInt(shards.trim()), d.maxItemsPerTransaction(), d.maxAttempts());
  }
}
