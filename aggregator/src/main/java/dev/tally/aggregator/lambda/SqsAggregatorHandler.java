package dev.tally.aggregator.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Lambda entry point for the SQS log; answers with partial batch failures. */
public final class SqsAggregatorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private final LogBatch batch;

  public SqsAggregatorHandler() {
    this(LambdaWiring.fromEnv(System.getenv()));
  }

  public SqsAggregatorHandler(LogBatch batch) {
    this.batch = batch;
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    List<LogBatch.Record> records =
        event.getRecords().stream()
            .map(
                m ->
                    new LogBatch.Record(
                        m.getMessageId(), m.getBody().getBytes(StandardCharsets.UTF_8)))
            .toList();
    return new SQSBatchResponse(
        batch.applyUnordered(records).stream()
            .map(SQSBatchResponse.BatchItemFailure::new)
            .toList());
  }
}
