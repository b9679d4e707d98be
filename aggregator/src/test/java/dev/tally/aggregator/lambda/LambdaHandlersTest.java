package dev.tally.aggregator.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.tally.aggregator.AggregatorService;
import dev.tally.aggregator.ApplyResult;
import dev.tally.aggregator.DeadLetters;
import dev.tally.aggregator.MetricWriter;
import dev.tally.core.error.RetryableException;
import dev.tally.core.event.Event;
import dev.tally.core.store.InMemoryStoreRegistry;
import dev.tally.core.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The handlers' mapping of real Lambda event JSON to applies, dead letters and batch failures. */
class LambdaHandlersTest {
  static final String SQS_GOOD_1 = "059f36b4-87a3-44ab-83d2-661975830a7d";
  static final String SQS_POISON = "2e1424d4-f796-459a-8184-9c92662be6da";
  static final String SQS_GOOD_2 = "c80e8021-a70a-42c7-a470-796e1186f753";
  static final String KIN_GOOD_1 = "49590338271490256608559692538361571095921575989136588898";
  static final String KIN_POISON = "49590338271490256608559692540925702759324208523137515618";

  /** A writer that records each apply call, or fails while {@code failing} is set. */
  static final class RecordingWriter implements MetricWriter {
    final List<List<Event>> calls = new ArrayList<>();
    boolean failing;

    @Override
    public ApplyResult apply(Store store, List<Event> events) {
      if (failing) {
        throw new RetryableException(
            "metrics_unavailable", "DynamoDB is throttling", Duration.ofSeconds(1));
      }
      calls.add(events);
      return new ApplyResult(events.size(), 0, 1, 1, 2);
    }
  }

  /** Keeps dead letters in memory, or refuses them while {@code failing} is set. */
  static final class ListDeadLetters implements DeadLetters {
    final List<String> kept = new ArrayList<>();
    boolean failing;

    @Override
    public void keep(String sourceId, byte[] body, String reason) {
      if (failing) {
        throw new IllegalStateException("DLQ unavailable");
      }
      kept.add(sourceId + " " + reason);
    }
  }

  RecordingWriter writer = new RecordingWriter();
  ListDeadLetters deadLetters = new ListDeadLetters();
  dev.tally.aggregator.InMemoryArchive archive = new dev.tally.aggregator.InMemoryArchive();
  LogBatch batch;

  @BeforeEach
  void wire() {
    InMemoryStoreRegistry stores = new InMemoryStoreRegistry();
    stores.create(Store.of("shop", "UTC", "USD", List.of()), "wk", "rk");
    batch =
        new LogBatch(
            new AggregatorService(
                stores,
                writer,
                new dev.tally.aggregator.ItemBadEvents(
                    dev.tally.core.item.InMemoryItemStore.create(), java.time.Clock.systemUTC())),
            deadLetters,
            archive);
  }

  @Test
  void sqsBatch_appliesGoodRecordsInOneWrite_andDeadLettersPoisonAsDone() {
    SQSBatchResponse r =
        new SqsAggregatorHandler(batch)
            .handleRequest(EventLoader.loadSQSEvent("sqs_event.json"), null);
    assertThat(r.getBatchItemFailures()).isEmpty();
    assertThat(writer.calls).hasSize(1);
    assertThat(writer.calls.get(0))
        .extracting(Event::messageId)
        .containsExactly("m-1", "m-2", "m-3");
    assertThat(deadLetters.kept)
        .singleElement()
        .asString()
        .startsWith(SQS_POISON)
        .contains("unknown format version");
  }

  @Test
  void sqsBatch_transientWriteFailure_reportsEveryGoodRecordAsFailed_butNotThePoison() {
    writer.failing = true;
    SQSBatchResponse r =
        new SqsAggregatorHandler(batch)
            .handleRequest(EventLoader.loadSQSEvent("sqs_event.json"), null);
    assertThat(r.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactlyInAnyOrder(SQS_GOOD_1, SQS_GOOD_2);
    assertThat(deadLetters.kept).hasSize(1);
  }

  @Test
  void sqsBatch_poisonThatCannotBeDeadLettered_isRetried() {
    deadLetters.failing = true;
    SQSBatchResponse r =
        new SqsAggregatorHandler(batch)
            .handleRequest(EventLoader.loadSQSEvent("sqs_event.json"), null);
    assertThat(r.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly(SQS_POISON);
    assertThat(writer.calls.get(0)).hasSize(3);
  }

  @Test
  void kinesisBatch_deadLettersBinaryPoison_andAppliesTheRestInOrder() {
    StreamsEventResponse r =
        new KinesisAggregatorHandler(batch)
            .handleRequest(EventLoader.loadKinesisEvent("kinesis_event.json"), null);
    assertThat(r.getBatchItemFailures()).isEmpty();
    assertThat(writer.calls)
        .singleElement()
        .satisfies(
            c -> assertThat(c).extracting(Event::messageId).containsExactly("m-1", "m-2", "m-3"));
    assertThat(deadLetters.kept)
        .singleElement()
        .asString()
        .startsWith(KIN_POISON)
        .contains("undecodable");
  }

  @Test
  void kinesisBatch_transientWriteFailure_reportsTheFirstRecordSoTheShardResumesThere() {
    writer.failing = true;
    StreamsEventResponse r =
        new KinesisAggregatorHandler(batch)
            .handleRequest(EventLoader.loadKinesisEvent("kinesis_event.json"), null);
    assertThat(r.getBatchItemFailures())
        .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly(KIN_GOOD_1);
  }

  @Test
  void
      kinesisBatch_poisonThatCannotBeDeadLettered_stopsTheShardThere_afterApplyingWhatCameBefore() {
    deadLetters.failing = true;
    StreamsEventResponse r =
        new KinesisAggregatorHandler(batch)
            .handleRequest(EventLoader.loadKinesisEvent("kinesis_event.json"), null);
    assertThat(r.getBatchItemFailures())
        .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly(KIN_POISON);
    // Only the record before the poison was applied; the one after it waits for the retry.
    assertThat(writer.calls)
        .singleElement()
        .satisfies(c -> assertThat(c).extracting(Event::messageId).containsExactly("m-1", "m-2"));
  }

  @Test
  void sqsBatch_isArchivedBeforeItIsApplied_exactlyAsReceived_poisonLeftOut() {
    SQSBatchResponse r =
        new SqsAggregatorHandler(batch)
            .handleRequest(EventLoader.loadSQSEvent("sqs_event.json"), null);
    assertThat(r.getBatchItemFailures()).isEmpty();
    assertThat(archive.kept())
        .extracting(dev.tally.aggregator.Archive.Item::id)
        .containsExactly(SQS_GOOD_1, SQS_GOOD_2);
    assertThat(new String(archive.kept().get(0).body())).startsWith("{").contains("\"storeId\"");
  }

  @Test
  void sqsBatch_aRecordTheArchiveRefused_isRetriedAndNotApplied() {
    archive.failing.add(SQS_GOOD_2);
    SQSBatchResponse r =
        new SqsAggregatorHandler(batch)
            .handleRequest(EventLoader.loadSQSEvent("sqs_event.json"), null);
    assertThat(r.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactly(SQS_GOOD_2);
    assertThat(writer.calls)
        .singleElement()
        .satisfies(c -> assertThat(c).extracting(Event::messageId).containsExactly("m-1", "m-2"));
  }

  @Test
  void sqsBatch_archiveDown_nothingIsAppliedOrAcknowledged_butPoisonIsStillDeadLettered() {
    archive.down = true;
    SQSBatchResponse r =
        new SqsAggregatorHandler(batch)
            .handleRequest(EventLoader.loadSQSEvent("sqs_event.json"), null);
    assertThat(r.getBatchItemFailures())
        .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .containsExactlyInAnyOrder(SQS_GOOD_1, SQS_GOOD_2);
    assertThat(writer.calls).isEmpty();
    assertThat(deadLetters.kept).hasSize(1);
  }

  @Test
  void kinesisBatch_isNotArchivedByTheAggregator_firehoseReadsTheStream() {
    new KinesisAggregatorHandler(batch)
        .handleRequest(EventLoader.loadKinesisEvent("kinesis_event.json"), null);
    assertThat(archive.kept()).isEmpty();
  }

  @Test
  void handledSqsBatch_emitsEmfMetrics_appliedFailedDeadLettersAndLag() throws Exception {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    dev.tally.observability.EmfMetrics emf =
        dev.tally.observability.EmfMetrics.create(
            "aggregator",
            new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
            java.time.Clock.systemUTC());
    LogBatch counted =
        new LogBatch(
            new AggregatorService(
                storesWithShop(),
                writer,
                new dev.tally.aggregator.ItemBadEvents(
                    dev.tally.core.item.InMemoryItemStore.create(), java.time.Clock.systemUTC())),
            LambdaWiring.counted(deadLetters, emf),
            archive);

    new SqsAggregatorHandler(counted, emf, java.time.Clock.systemUTC())
        .handleRequest(EventLoader.loadSQSEvent("sqs_event.json"), null);

    com.fasterxml.jackson.databind.JsonNode line =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(out.toString(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(line.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("Tally");
    assertThat(line.get("Function").asText()).isEqualTo("aggregator");
    assertThat(line.get("RecordsApplied").asInt()).isEqualTo(3);
    assertThat(line.get("RecordsFailed").asInt()).isZero();
    assertThat(line.get("DeadLetters").asInt()).isEqualTo(1);
    assertThat(line.has("AggregationLag")).as("from SentTimestamp").isTrue();
  }

  private static InMemoryStoreRegistry storesWithShop() {
    InMemoryStoreRegistry stores = new InMemoryStoreRegistry();
    stores.create(Store.of("shop", "UTC", "USD", List.of()), "wk", "rk");
    return stores;
  }
}
