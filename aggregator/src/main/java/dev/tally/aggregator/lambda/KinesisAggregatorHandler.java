package dev.tally.aggregator.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Lambda entry point for the Kinesis log. A batch holds one shard's records in order, so only the
 * first record to retry is reported; Lambda resumes the shard from it.
 */
public final class KinesisAggregatorHandler
    implements RequestHandler<KinesisEvent, StreamsEventResponse> {
  private final LogBatch batch;

  public KinesisAggregatorHandler() {
    this(LambdaWiring.fromEnv(System.getenv()));
  }

  public KinesisAggregatorHandler(LogBatch batch) {
    this.batch = batch;
  }

  @Override
  public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
    List<LogBatch.Record> records =
        event.getRecords().stream()
            .map(
                r ->
                    new LogBatch.Record(
                        r.getKinesis().getSequenceNumber(), bytes(r.getKinesis().getData())))
            .toList();
    List<StreamsEventResponse.BatchItemFailure> failures =
        batch.applyOrdered(records).map(StreamsEventResponse.BatchItemFailure::new).stream()
            .toList();
    return new StreamsEventResponse(failures);
  }

  private static byte[] bytes(ByteBuffer data) {
    ByteBuffer b = data.asReadOnlyBuffer();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
