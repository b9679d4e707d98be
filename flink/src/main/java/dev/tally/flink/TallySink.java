package dev.tally.flink;

import dev.tally.aggregator.lambda.LogBatch;
import dev.tally.core.retry.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;

/**
 * The job's sink: applies device batches with the aggregator's {@link LogBatch}, the very code the
 * Lambda handlers run (decode, dead-letter poison, the exactly-once writer over the metrics table).
 *
 * <p>A subtask gathers the device batches it receives, in order, and applies them in one writer
 * call once they hold {@link JobConfig#writeRecords()} records or the first has waited {@link
 * JobConfig#writeWait()}, and always before a checkpoint barrier passes ({@link #flush}). One call
 * for many devices writes each store-day shard, product bucket and sketch they share once, as a
 * Lambda batch of a hundred records does; applying each device's batch alone would write those
 * shared items once per device (four times the write requests on the test workload).
 *
 * <p>Writes are synchronous and finished before the barrier moves on, so everything that reached
 * the sink before a checkpoint is in the table when that checkpoint completes: at-least-once
 * delivery, which the writer's per-event marks turn into an exactly-once effect. A write that keeps
 * failing (DynamoDB unavailable, throttled beyond the SDK's retries) is retried in place with the
 * project's one {@link Backoff}; when the attempts run out the task fails and Flink restarts from
 * the last checkpoint.
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
        config.writeRecords(),
        config.writeWait(),
        context.getProcessingTimeService(),
        context.metricGroup().counter("tallyRecordsApplied"),
        context.metricGroup().counter("tallyApplyRetries"));
  }

  static final class Writer implements SinkWriter<DeviceBatch> {
    private final AggregatorWiring.Wired wired;
    private final Backoff backoff;
    private final int maxRecords;
    private final long maxWaitMillis;
    private final ProcessingTimeService time;
    private final Counter applied;
    private final Counter retries;
    private final List<LogBatch.Record> pending = new ArrayList<>();
    private long generation;

    Writer(
        AggregatorWiring.Wired wired,
        Backoff backoff,
        int maxRecords,
        Duration maxWait,
        ProcessingTimeService time,
        Counter applied,
        Counter retries) {
      this.wired = wired;
      this.backoff = backoff;
      this.maxRecords = maxRecords;
      this.maxWaitMillis = maxWait.toMillis();
      this.time = time;
      this.applied = applied;
      this.retries = retries;
    }

    @Override
    public void write(DeviceBatch batch, Context context) {
      boolean wasEmpty = pending.isEmpty();
      for (DeviceRecord r : batch.records) {
        pending.add(new LogBatch.Record(r.sourceId, r.body));
      }
      if (pending.size() >= maxRecords) {
        applyPending();
      } else if (wasEmpty) {
        long due = generation;
        time.registerTimer(
            time.getCurrentProcessingTime() + maxWaitMillis,
            now -> {
              if (generation == due) {
                applyPending();
              }
            });
      }
    }

    /** Called before every checkpoint barrier, and at the end of input. */
    @Override
    public void flush(boolean endOfInput) {
      applyPending();
    }

    private void applyPending() {
      generation++; // any timer registered for what is applied now is stale
      if (pending.isEmpty()) {
        return;
      }
      List<List<LogBatch.Record>> todo = new ArrayList<>();
      todo.add(new ArrayList<>(pending));
      int count = pending.size();
      pending.clear();
      backoff.untilDone(
          "applying " + count + " log records",
          () -> {
            List<LogBatch.Record> records = todo.get(0);
            Optional<String> retryFrom = wired.batch().applyOrdered(records);
            if (retryFrom.isEmpty()) {
              return true;
            }
            retries.inc();
            int at = indexOf(records, retryFrom.get());
            todo.set(0, new ArrayList<>(records.subList(at, records.size())));
            return false;
          });
      applied.inc(count);
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
    public void close() throws Exception {
      wired.close();
    }
  }
}
