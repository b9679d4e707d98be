package dev.tally.ingest.it;

import static dev.tally.ingest.it.IngestStack.STORE;
import static dev.tally.ingest.it.IngestStack.WRITE_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.segment.analytics.messages.TrackMessage;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.dynamodb.AwsEndpoints;
import dev.tally.ingest.IngestConfig;
import dev.tally.ingest.IngestMetrics;
import dev.tally.ingest.log.KinesisEventLog;
import dev.tally.testkit.Kinesalite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** Ingest into a real Kinesis stream served by kinesalite, read back shard by shard. */
class KinesisIngestIT {
  static IngestStack stack;
  static Kinesalite kinesalite;
  static KinesisClient kinesis;

  @BeforeAll
  static void start() throws Exception {
    kinesalite = Kinesalite.start();
    stack = new IngestStack();
    kinesis =
        AwsEndpoints.local(kinesalite.endpoint())
            .configure(KinesisClient.builder())
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  static void stop() {
    if (kinesis != null) {
      kinesis.close();
    }
    if (stack != null) {
      stack.close();
    }
    if (kinesalite != null) {
      kinesalite.close();
    }
  }

  @Test
  void segmentClientAndRawHttp_eventsArriveOnTheStream_keyedByDeviceAcrossSignIn()
      throws Exception {
    String stream = createStream("ingest-it-" + System.nanoTime(), 2);
    IngestConfig config = IngestConfig.defaults();
    try (var server =
        stack.serve(config, new KinesisEventLog(kinesis, stream), IngestMetrics.noop())) {
      // One device browses anonymously, then signs in: its events must share a partition key.
      SegmentClient.sendAll(
          server.base(),
          WRITE_KEY,
          TrackMessage.builder("Product Viewed")
              .messageId("k-1")
              .anonymousId("device-k")
              .properties(Map.of("product_id", "p1")),
          TrackMessage.builder("Product Added")
              .messageId("k-2")
              .anonymousId("device-k")
              .userId("user-k")
              .properties(Map.of("product_id", "p1", "price", 5)));

      SqsIngestIT.assertOk(
          Http.post(
              server.base(),
              "/v1/batch",
              WRITE_KEY,
              "{\"batch\":["
                  + "{\"type\":\"track\",\"messageId\":\"k-3\",\"anonymousId\":\"device-k\",\"userId\":\"user-k\",\"event\":\"Checkout Started\"},"
                  + "{\"type\":\"track\",\"messageId\":\"k-4\",\"userId\":\"server-only\",\"event\":\"Order Completed\",\"properties\":{\"revenue\":5}},"
                  + "{\"type\":\"page\",\"messageId\":\"k-5\",\"anonymousId\":\"device-z\"}]}"));

      Map<String, String> partitionOf = new HashMap<>();
      for (Record r : readAll(stream)) {
        LogEntry entry = EventCodec.decode(r.data().asByteArray());
        assertThat(entry.storeId()).isEqualTo(STORE);
        for (Event e : entry.events()) {
          assertThat(partitionOf.put(e.messageId(), r.partitionKey()))
              .as("published once")
              .isNull();
        }
      }
      assertThat(partitionOf)
          .containsEntry("k-1", "shop#device-k")
          .containsEntry("k-2", "shop#device-k")
          .containsEntry("k-3", "shop#device-k")
          .containsEntry("k-4", "shop#server-only")
          .containsEntry("k-5", "shop#device-z")
          .hasSize(5);
    }
  }

  @Test
  void missingStream_answers503WithRetryAfter() {
    try (var server =
        stack.serve(
            IngestConfig.defaults(),
            new KinesisEventLog(kinesis, "no-such-stream"),
            IngestMetrics.noop())) {
      var r =
          Http.post(
              server.base(),
              "/v1/track",
              WRITE_KEY,
              "{\"messageId\":\"k-down\",\"userId\":\"u\",\"event\":\"E\"}");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).isPresent();
      assertThat(stack.dedupRecorded(STORE, "k-down")).isFalse();
    }
  }

  private static String createStream(String name, int shards) throws InterruptedException {
    kinesis.createStream(b -> b.streamName(name).shardCount(shards));
    for (int i = 0; i < 100; i++) {
      if (kinesis.describeStream(b -> b.streamName(name)).streamDescription().streamStatus()
          == StreamStatus.ACTIVE) {
        return name;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("stream " + name + " did not become active");
  }

  private static List<Record> readAll(String stream) {
    List<Record> out = new ArrayList<>();
    for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
      String it =
          kinesis
              .getShardIterator(
                  b ->
                      b.streamName(stream)
                          .shardId(shard.shardId())
                          .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
              .shardIterator();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (it != null && System.nanoTime() < deadline) {
        String current = it;
        var r = kinesis.getRecords(b -> b.shardIterator(current).limit(1000));
        out.addAll(r.records());
        if (r.records().isEmpty() && Long.valueOf(0).equals(r.millisBehindLatest())) {
          break;
        }
        it = r.nextShardIterator();
      }
    }
    return out;
  }
}
