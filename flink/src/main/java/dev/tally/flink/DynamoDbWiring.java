package dev.tally.flink;

import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.AggregatorService;
import dev.tally.aggregator.DeadLetters;
import dev.tally.aggregator.ItemBadEvents;
import dev.tally.aggregator.MetricWriter;
import dev.tally.aggregator.lambda.LogBatch;
import dev.tally.aggregator.regulation.SuppressingMetricWriter;
import dev.tally.aggregator.sqs.SqsDeadLetters;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.core.item.ItemStore;
import dev.tally.core.regulation.ItemSuppressionList;
import dev.tally.core.store.ItemStoreRegistry;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.flink.internal.LoggedDeadLetters;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.util.function.SerializableFunction;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The job's production wiring, the same as the Lambda aggregator's ({@code LambdaWiring}): the
 * stores table through {@link ItemStoreRegistry}, the metrics table through {@link
 * DynamoDbItemStore}, the one exactly-once {@link ItemMetricWriter} behind the stores table's
 * suppression list, and poison records to the SQS dead-letter queue. Nothing here counts.
 */
public final class DynamoDbWiring implements AggregatorWiring {
  private static final long serialVersionUID = 1L;
  private final SerializableFunction<ItemStore, ItemStore> metricsDecorator;
  private final SerializableFunction<MetricWriter, MetricWriter> writerDecorator;

  private DynamoDbWiring(
      SerializableFunction<ItemStore, ItemStore> metricsDecorator,
      SerializableFunction<MetricWriter, MetricWriter> writerDecorator) {
    this.metricsDecorator = metricsDecorator;
    this.writerDecorator = writerDecorator;
  }

  public static DynamoDbWiring create() {
    return new DynamoDbWiring(store -> store, writer -> writer);
  }

  /** The same wiring with the metrics store wrapped, e.g. to inject failures in tests. */
  public DynamoDbWiring decorateMetrics(SerializableFunction<ItemStore, ItemStore> decorator) {
    return new DynamoDbWiring(decorator, writerDecorator);
  }

  /** The same wiring with the writer wrapped, e.g. to observe what it counted in tests. */
  public DynamoDbWiring decorateWriter(SerializableFunction<MetricWriter, MetricWriter> decorator) {
    return new DynamoDbWiring(metricsDecorator, decorator);
  }

  /** The endpoints the job's AWS clients use, from its config. */
  public static AwsEndpoints endpoints(JobConfig c) {
    Map<String, URI> services = new HashMap<>();
    if (c.kinesisEndpoint() != null) {
      services.put("KINESIS", URI.create(c.kinesisEndpoint()));
    }
    if (c.dynamoDbEndpoint() != null) {
      services.put("DYNAMODB", URI.create(c.dynamoDbEndpoint()));
    }
    if (c.sqsEndpoint() != null) {
      services.put("SQS", URI.create(c.sqsEndpoint()));
    }
    return new AwsEndpoints(Optional.empty(), Region.of(c.region()), services);
  }

  @Override
  public Wired open(JobConfig c) {
    AwsEndpoints aws = endpoints(c);
    DynamoDbClient ddb = aws.dynamoDb();
    SqsClient sqs =
        c.deadLetterQueueUrl() == null
            ? null
            : aws.forService("SQS")
                .configure(SqsClient.builder())
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    DeadLetters deadLetters =
        sqs == null ? new LoggedDeadLetters() : new SqsDeadLetters(sqs, c.deadLetterQueueUrl());
    ItemStore metrics =
        metricsDecorator.apply(DynamoDbItemStore.create(ddb, c.metricsTable(), Clock.systemUTC()));
    DynamoDbItemStore stores = DynamoDbItemStore.keyOnly(ddb, c.storesTable(), Clock.systemUTC());
    // Suppressed people's events still in flight (in the stream, or replayed from the archive by
    // the batch rebuild) are dropped before the writer, as the Lambda aggregator drops them.
    AggregatorService service =
        new AggregatorService(
            new ItemStoreRegistry(stores),
            new SuppressingMetricWriter(
                writerDecorator.apply(
                    new ItemMetricWriter(
                        metrics, AggregatorConfig.defaults().withShards(c.shards()))),
                new ItemSuppressionList(stores, Clock.systemUTC())),
            new ItemBadEvents(metrics, Clock.systemUTC()));
    return new Wired(
        new LogBatch(service, deadLetters),
        () -> {
          ddb.close();
          if (sqs != null) {
            sqs.close();
          }
        });
  }
}
