package dev.tally.flink;

import dev.tally.aggregator.lambda.LogBatch;
import dev.tally.dynamodb.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;

/**
 * The job's sink: applies each device batch with the aggregator's {@link LogBatch}, the very code
 * the Lambda handlers run (decode, dead-letter poison, the exactly-once writer over the metrics
 * table). It writes synchronously, so everything handed to it before a checkpoint barrier is
 * written before that checkpoint completes: at-least-once delivery, and the writer's per-event
 * marks turn it into an exactly-once effect.
 *
 * <p>A batch that keeps failing (DynamoDB unavailable, throttled beyond the SDK's retries) is
 * retried in place with the project's one {@link Backoff}; when the attempts run out the task fails
 * and Flink restarts from the last checkpoint, re-reading what it had not yet checkpointed.
 */
public final class TallySink implements Sink<DeviceBatch> {
  private static final long serialVersionUID = 1L;
  private final JobConfig config;
  private final AggregatorWiring wiring;

  public TallySink(JobConfig config, AggregatorWiring wiring) {
    this.config = config;
    this.wiring = wiring;
  }

  @Override
  @SuppressWarnings("deprecation") // Flink 1.19's abstract method; WriterInitContext delegates here
  public SinkWriter<DeviceBatch> createWriter(InitContext context) {
    return new Writer(
        wiring.open(config),
        new Backoff(
            new Backoff.Config(
                config.applyAttempts(), Duration.ofMillis(100), Duration.ofSeconds(5))),
        context.metricGroup().counter("tallyRecordsApplied"),
        context.metricGroup().counter("tallyApplyRetries"));
  }

  static final class Writer implements SinkWriter<DeviceBatch> {
    private final AggregatorWiring.Wired wired;
    private final Backoff backoff;
    private final Counter applied;
    private final Counter retries;

    Writer(AggregatorWiring.Wired wired, Backoff backoff, Counter applied, Counter retries) {
      this.wired = wired;
      this.backoff = backoff;
      this.applied = applied;
      this.retries = retries;
    }

    @Override
    public void write(DeviceBatch batch, Context context) {
      List<List<LogBatch.Record>> pending = new ArrayList<>();
      List<LogBatch.Record> all = new ArrayList<>();
      for (DeviceRecord r : batch.records) {
        all.add(new LogBatch.Record(r.sourceId, r.body));
      }
      pending.add(all);
      backoff.untilDone(
          "applying the batch of " + batch.key,
          () -> {
            List<LogBatch.Record> todo = pending.get(0);
            Optional<String> retryFrom = wired.batch().applyOrdered(todo);
            if (retryFrom.isEmpty()) {
              return true;
            }
            retries.inc();
            int at = indexOf(todo, retryFrom.get());
            pending.set(0, new ArrayList<>(todo.subList(at, todo.size())));
            return false;
          });
      applied.inc(batch.records.length);
    }

    private static int indexOf(List<LogBatch.Record> records, String id) {
      for (int i = 0; i < records.size(); i++) {
        if (records.get(i).id().equals(id)) {
          return i;
        }
      }
      return 0;
    }

    @Override
    public void flush(boolean endOfInput) {
      // Every write is synchronous: nothing is buffered here.
    }

    @Override
    public void close() throws Exception {
      wired.close();
    }
  }
}
