package dev.tally.aggregator.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.tally.observability.EmfMetrics;
import dev.tally.observability.RequestScope;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Lambda entry point for the Kinesis log. A batch holds one shard's records in order, so only the
 * first record to retry is reported; Lambda resumes the shard from it.
 */
public final class KinesisAggregatorHandler
    implements RequestHandler<KinesisEvent, StreamsEventResponse> {
  private final LogBatch batch;
  private final BatchMetrics metrics;

  public KinesisAggregatorHandler() {
    this(EmfMetrics.create("aggregator"));
  }

  private KinesisAggregatorHandler(EmfMetrics metrics) {
    this(LambdaWiring.fromEnv(System.getenv(), metrics), metrics, Clock.systemUTC());
  }

  public KinesisAggregatorHandler(LogBatch batch) {
    this(batch, EmfMetrics.create("aggregator"), Clock.systemUTC());
  }

  public KinesisAggregatorHandler(LogBatch batch, EmfMetrics metrics, Clock clock) {
    this.batch = batch;
    this.metrics = new BatchMetrics(metrics, clock);
  }

  @Override
  public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
    return RequestScope.run(
        context == null ? null : context.getAwsRequestId(), metrics.emf(), () -> handle(event));
  }

  private StreamsEventResponse handle(KinesisEvent event) {
    List<LogBatch.Record> records =
        event.getRecords().stream()
            .map(
                r ->
                    new LogBatch.Record(
                        r.getKinesis().getSequenceNumber(), bytes(r.getKinesis().getData())))
            .toList();
    Optional<String> firstFailed = batch.applyOrdered(records);
    // Kinesis: the first failed record and everything after it in the shard batch are redelivered.
    int failed =
        firstFailed
            .map(
                id ->
                    records.size() - records.stream().map(LogBatch.Record::id).toList().indexOf(id))
            .orElse(0);
    metrics.batch(
        records.size(),
        failed,
        event.getRecords().stream()
            .map(r -> r.getKinesis().getApproximateArrivalTimestamp())
            .filter(Objects::nonNull)
            .map(Date::toInstant));
    return new StreamsEventResponse(
        firstFailed.map(StreamsEventResponse.BatchItemFailure::new).stream().toList());
  }

  private static byte[] bytes(ByteBuffer data) {
    ByteBuffer b = data.asReadOnlyBuffer();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
