package dev.tally.aggregator.lambda;

import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.AggregatorService;
import dev.tally.aggregator.Archive;
import dev.tally.aggregator.DeadLetters;
import dev.tally.aggregator.ItemBadEvents;
import dev.tally.aggregator.firehose.FirehoseArchive;
import dev.tally.aggregator.sqs.SqsDeadLetters;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.core.config.TallyConfig;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.dynamodb.TableNames;
import dev.tally.observability.EmfMetrics;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Builds the aggregator's collaborators from a Lambda environment, once per container. */
final class LambdaWiring {
  private LambdaWiring() {}

  /**
   * @param emf the container's EMF metrics: every dead-lettered record counts as {@code
   *     DeadLetters}
   */
  static LogBatch fromEnv(Map<String, String> env, EmfMetrics emf) {
    TallyConfig config = TallyConfig.fromEnv(env);
    String dlqUrl = TallyConfig.required(config.dlqUrl(), "TALLY_DLQ_URL");
    TableNames tables = TableNames.of(config);
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
                new ItemMetricWriter(metrics, AggregatorConfig.of(config)),
                new dev.tally.core.regulation.ItemSuppressionList(
                    DynamoDbItemStore.keyOnly(ddb, tables.stores(), Clock.systemUTC()),
                    Clock.systemUTC())),
            new ItemBadEvents(metrics, Clock.systemUTC()));
    return new LogBatch(
        service, counted(new SqsDeadLetters(sqs, dlqUrl), emf), archive(config, aws));
  }

  /** Dead letters that also count, so an alarm can watch them. */
  static DeadLetters counted(DeadLetters deadLetters, EmfMetrics metrics) {
    return (id, body, reason) -> {
      deadLetters.keep(id, body, reason);
      metrics.count(EmfMetrics.DEAD_LETTERS, 1);
    };
  }

  /**
   * {@code TALLY_ARCHIVE_STREAM}: the Firehose delivery stream the SQS-mode aggregator archives
   * each batch to before acknowledging it; unset: no archive (Kinesis mode, where Firehose reads
   * the stream itself).
   */
  static Archive archive(TallyConfig config, AwsEndpoints aws) {
    if (config.archiveStream().isEmpty()) {
      return Archive.none();
    }
    String stream = config.archiveStream().get();
    FirehoseClient firehose =
        aws.forService("FIREHOSE")
            .configure(FirehoseClient.builder())
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    return FirehoseArchive.create(firehose, stream);
  }
}
