package dev.tally.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.aggregator.AggregatorService;
import dev.tally.aggregator.ApplyResult;
import dev.tally.aggregator.MetricWriter;
import dev.tally.aggregator.lambda.LogBatch;
import dev.tally.core.error.RetryableException;
import dev.tally.core.event.Event;
import dev.tally.core.event.EventCodec;
import dev.tally.core.event.LogEntry;
import dev.tally.core.retry.Backoff;
import dev.tally.core.store.InMemoryStoreRegistry;
import dev.tally.core.store.Store;
import dev.tally.testkit.metrics.Events;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;
import org.junit.jupiter.api.Test;

/** The sink: the aggregator's batch, retried in place, then a task failure if it never works. */
class TallySinkTest {
  final List<List<Event>> applied = new ArrayList<>();
  final List<String> deadLetters = new ArrayList<>();
  int failuresLeft;
  final SimpleCounter records = new SimpleCounter();
  final SimpleCounter retries = new SimpleCounter();
  final TestProcessingTimeService time = new TestProcessingTimeService();

  final MetricWriter writer =
      new MetricWriter() {
        @Override
        public ApplyResult apply(Store store, List<Event> events) {
          if (failuresLeft-- > 0) {
            throw new RetryableException("metrics_unavailable", "throttled", Duration.ofMillis(1));
          }
          applied.add(events);
          return new ApplyResult(events.size(), 0, 1, 1, 0);
        }
      };

  private TallySink.Writer sinkWriter(int attempts) {
    InMemoryStoreRegistry stores = new InMemoryStoreRegistry();
    stores.create(Store.of("shop", "UTC", "USD", List.of()), "wk", "rk");
    LogBatch batch =
        new LogBatch(
            new AggregatorService(
                stores,
                writer,
                new dev.tally.aggregator.ItemBadEvents(
                    dev.tally.core.item.InMemoryItemStore.create(), java.time.Clock.systemUTC())),
            (id, body, reason) -> deadLetters.add(id + " " + reason));
    return new TallySink.Writer(
        new AggregatorWiring.Wired(batch, () -> {}),
        new Backoff(new Backoff.Config(attempts, Duration.ZERO, Duration.ZERO)),
        3,
        Duration.ofMillis(200),
        time,
        records,
        retries);
  }

  private static DeviceRecord record(String id, String store) {
    Event e = new Events(id).page("a1", null, Instant.parse("2025-03-20T10:00:00Z")).toEvent();
    return new DeviceRecord(
        store + "#a1", id, EventCodec.encode(new LogEntry(id, store, List.of(e))));
  }

  private static DeviceBatch batch(DeviceRecord... records) {
    return new DeviceBatch("shop#a1", records);
  }

  @Test
  void deviceBatches_areAppliedTogether_inOneWrite_atTheRecordCount() {
    TallySink.Writer w = sinkWriter(3);
    w.write(batch(record("r1", "shop"), record("r2", "shop")), null);
    assertThat(applied).isEmpty();
    w.write(batch(record("r3", "shop")), null);
    assertThat(applied).singleElement().asList().hasSize(3);
    assertThat(records.getCount()).isEqualTo(3);
    assertThat(retries.getCount()).isZero();
  }

  @Test
  void whatIsHeld_isAppliedAfterTheWait_andBeforeEveryCheckpoint() throws Exception {
    TallySink.Writer w = sinkWriter(3);
    time.setCurrentTime(1_000);
    w.write(batch(record("r1", "shop")), null);
    time.setCurrentTime(1_199);
    assertThat(applied).isEmpty();
    time.setCurrentTime(1_200);
    assertThat(applied).hasSize(1);

    w.write(batch(record("r2", "shop")), null);
    w.flush(false); // the checkpoint barrier is next
    assertThat(applied).hasSize(2);
    time.setCurrentTime(5_000); // the stale timer applies nothing
    assertThat(applied).hasSize(2);
  }

  @Test
  void transientFailures_areRetriedInPlace() {
    failuresLeft = 2;
    TallySink.Writer w = sinkWriter(3);
    w.write(batch(record("r1", "shop")), null);
    w.flush(false);
    assertThat(applied).hasSize(1);
    assertThat(retries.getCount()).isEqualTo(2);
  }

  @Test
  void aWriteThatNeverSucceeds_failsTheTask_soFlinkRestoresFromTheLastCheckpoint() {
    failuresLeft = Integer.MAX_VALUE;
    TallySink.Writer w = sinkWriter(3);
    w.write(batch(record("r1", "shop")), null);
    assertThatThrownBy(() -> w.flush(false)).isInstanceOf(RetryableException.class);
    assertThat(applied).isEmpty();
  }

  @Test
  void poison_isDeadLetteredOnce_andTheRestIsApplied() {
    failuresLeft = 1;
    DeviceRecord junk = new DeviceRecord("shop#a1", "junk", "{".getBytes(StandardCharsets.UTF_8));
    sinkWriter(3).write(batch(junk, record("r2", "nosuchstore"), record("r3", "shop")), null);
    assertThat(deadLetters).hasSize(2);
    assertThat(deadLetters.get(0)).startsWith("junk ");
    assertThat(deadLetters.get(1)).startsWith("r2 ").contains("unknown store");
    assertThat(applied).singleElement().asList().hasSize(1);
  }
}
