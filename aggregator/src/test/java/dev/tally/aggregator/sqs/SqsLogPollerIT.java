package dev.tally.aggregator.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.aggregator.AggregatorConfig;
import dev.tally.aggregator.AggregatorService;
import dev.tally.aggregator.ApplyResult;
import dev.tally.aggregator.LogPoller;
import dev.tally.aggregator.MetricWriter;
import dev.tally.aggregator.testing.Engines;
import dev.tally.aggregator.write.ItemMetricWriter;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.store.InMemoryStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.testkit.EngineTable;
import dev.tally.testkit.metrics.Events;
import dev.tally.testkit.metrics.MetricTable;
import dev.tally.testkit.metrics.Oracle;
import dev.tally.testkit.metrics.RawEvent;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The log poller on SQS (ElasticMQ) and the DynamoDB engine (dynalite): a crash before the delete
 * means redelivery, counted once; poison goes to the DLQ with its reason.
 */
class SqsLogPollerIT {
  static SQSRestServer server;
  static SqsClient sqs;
  final Store store = Store.of("shop", "Europe/Berlin", "USD", List.of());

  @BeforeAll
  static void start() {
    server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
    int port = server.waitUntilStarted().localAddress().getPort();
    sqs =
        AwsEndpoints.local(URI.create("http://127.0.0.1:" + port))
            .configure(SqsClient.builder())
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  static void stop() {
    sqs.close();
    server.stopAndWait();
  }

  @Test
  void crashAfterWritingBeforeDeleting_redeliversTheMessages_andCountsThemOnce() {
    EngineTable table = Engines.dynamoDb();
    String q =
        sqs.createQueue(
                b ->
                    b.queueName("events-" + UUID.randomUUID())
                        .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "1")))
            .queueUrl();
    String dlq = sqs.createQueue(b -> b.queueName("dlq-" + UUID.randomUUID())).queueUrl();
    List<RawEvent> raw =
        new Events("sq")
            .randomMix(new Random(11), 150, 20, 2, Instant.parse("2025-03-20T12:00:00Z"));
    List<List<RawEvent>> messages = new ArrayList<>();
    for (int i = 0; i < raw.size(); i += 30) {
      List<RawEvent> part = raw.subList(i, Math.min(raw.size(), i + 30));
      messages.add(part);
      LogEntry e =
          new LogEntry(
              UUID.randomUUID().toString(), "shop", part.stream().map(RawEvent::toEvent).toList());
      sqs.sendMessage(b -> b.queueUrl(q).messageBody(EventCodec.encodeToString(e)));
    }
    sqs.sendMessage(
        b ->
            b.queueUrl(q)
                .messageBody("{\"v\":1,\"id\":\"x\",\"storeId\":\"no-such-store\",\"events\":[]}"));

    InMemoryStoreRegistry stores = new InMemoryStoreRegistry();
    stores.create(store, "wk", "rk");
    MetricWriter real = new ItemMetricWriter(table.store(), AggregatorConfig.defaults());
    boolean[] crash = {true};
    MetricWriter crashingAfterWrite =
        (s, events) -> {
          ApplyResult r = real.apply(s, events);
          if (crash[0]) {
            // Retryable: like a process death, the records stay unacknowledged and come back.
            throw new dev.tally.core.error.RetryableException(
                "crash", "process died after writing, before deleting", Duration.ZERO);
          }
          return r;
        };
    LogPoller poller =
        new LogPoller(
            new SqsLogConsumer(sqs, q, dlq),
            new AggregatorService(
                stores,
                crashingAfterWrite,
                new dev.tally.aggregator.ItemBadEvents(table.store(), java.time.Clock.systemUTC())),
            10);
    assertThatThrownBy(() -> poller.pollOnce(Duration.ofSeconds(1)))
        .hasMessageContaining("process died");

    crash[0] = false;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline && !empty(q)) {
      poller.pollOnce(Duration.ofSeconds(1));
    }
    assertThat(empty(q)).isTrue();
    assertThat(MetricTable.read(table.all(), "shop"))
        .isEqualTo(Oracle.expected(List.of(raw), store.timezone()));
    var dead =
        sqs.receiveMessage(
                b ->
                    b.queueUrl(dlq)
                        .messageAttributeNames("All")
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                        .waitTimeSeconds(1))
            .messages();
    assertThat(dead)
        .singleElement()
        .satisfies(
            m ->
                assertThat(m.messageAttributes().get("error").stringValue())
                    .contains("undecodable log message"));
  }

  private static boolean empty(String q) {
    var a =
        sqs.getQueueAttributes(
                b ->
                    b.queueUrl(q)
                        .attributeNames(
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
            .attributes();
    return a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES).equals("0")
        && a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE).equals("0");
  }
}
