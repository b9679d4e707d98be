package dev.tally.app.stack;

import dev.tally.aggregator.sqs.SqsLogConsumer;
import dev.tally.core.config.TallyConfig;
import dev.tally.core.item.ItemStore;
import dev.tally.core.port.EventLog;
import dev.tally.core.port.LogConsumer;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.dynamodb.DynamoDbItemStore;
import dev.tally.dynamodb.TableNames;
import dev.tally.dynamodb.Tables;
import dev.tally.ingest.log.SqsEventLog;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * DynamoDB tables and SQS queues at {@code AWS_ENDPOINT_URL} (LocalStack, or AWS itself), created
 * when missing: the AWS engine run by the local process, for trying the AWS path without a deploy.
 */
final class AwsEngine implements Engine {
  static final String QUEUE = "tally-events";
  static final String DLQ = "tally-events-dlq";

  private final AwsEndpoints aws;
  private final DynamoDbClient ddb;
  private final SqsClient sqs;
  private final TableNames tables;
  private final ItemStore metrics;
  private final ItemStore stores;
  private final ItemStore dedup;
  private final ItemStore shop;
  private final SqsEventLog log;
  private final SqsLogConsumer consumer;

  private AwsEngine(Map<String, String> env) {
    TallyConfig config = TallyConfig.fromEnv(env);
    aws = AwsEndpoints.fromEnv(env);
    ddb = aws.dynamoDb();
    sqs =
        aws.forService("SQS")
            .configure(SqsClient.builder())
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    tables = TableNames.of(config);
    Tables.createIfMissing(ddb, tables);
    String shopTable = config.shopTable();
    Tables.createIfMissing(ddb, shopTable);
    Clock clock = Clock.systemUTC();
    metrics = DynamoDbItemStore.create(ddb, tables.metrics(), clock);
    stores = DynamoDbItemStore.keyOnly(ddb, tables.stores(), clock);
    dedup = DynamoDbItemStore.keyOnly(ddb, tables.dedup(), clock);
    shop = DynamoDbItemStore.create(ddb, shopTable, clock);
    String queueUrl =
        config.queueUrl().orElseGet(() -> sqs.createQueue(b -> b.queueName(QUEUE)).queueUrl());
    String dlqUrl =
        config.dlqUrl().orElseGet(() -> sqs.createQueue(b -> b.queueName(DLQ)).queueUrl());
    log = new SqsEventLog(sqs, queueUrl);
    consumer = new SqsLogConsumer(sqs, queueUrl, dlqUrl);
  }

  static AwsEngine open(Map<String, String> env) {
    return new AwsEngine(env);
  }

  @Override
  public ItemStore metrics() {
    return metrics;
  }

  @Override
  public ItemStore stores() {
    return stores;
  }

  @Override
  public ItemStore dedup() {
    return dedup;
  }

  @Override
  public ItemStore shop() {
    return shop;
  }

  @Override
  public EventLog log() {
    return log;
  }

  @Override
  public LogConsumer consumer() {
    return consumer;
  }

  @Override
  public int itemsPerTransaction() {
    return 100;
  }

  @Override
  public int recordsPerPoll() {
    return 10;
  }

  @Override
  public boolean healthy() {
    return Tables.ready(ddb, tables) && consumer.backlog() >= 0;
  }

  @Override
  public String description() {
    return "DynamoDB at "
        + aws.forService("DYNAMODB").endpoint().map(Object::toString).orElse("AWS")
        + ", SQS at "
        + aws.forService("SQS").endpoint().map(Object::toString).orElse("AWS");
  }

  @Override
  public void close() {
    sqs.close();
    ddb.close();
  }
}
