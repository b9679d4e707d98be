package dev.tally.aggregator.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.tally.observability.EmfMetrics;
import dev.tally.observability.RequestScope;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Lambda entry point for the SQS log; answers with partial batch failures. */
public final class SqsAggregatorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private final LogBatch batch;
  private final BatchMetrics metrics;

  public SqsAggregatorHandler() {
    this(EmfMetrics.create("aggregator"));
  }

  private SqsAggregatorHandler(EmfMetrics metrics) {
    this(LambdaWiring.fromEnv(System.getenv(), metrics), metrics, Clock.systemUTC());
  }

  public SqsAggregatorHandler(LogBatch batch) {
    this(batch, EmfMetrics.create("aggregator"), Clock.systemUTC());
  }

  public SqsAggregatorHandler(LogBatch batch, EmfMetrics metrics, Clock clock) {
    this.batch = batch;
    this.metrics = new BatchMetrics(metrics, clock);
  }

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    return RequestScope.run(
        context == null ? null : context.getAwsRequestId(), metrics.emf(), () -> handle(event));
  }

  private SQSBatchResponse handle(SQSEvent event) {
    List<LogBatch.Record> records =
        event.getRecords().stream()
            .map(
                m ->
                    new LogBatch.Record(
                        m.getMessageId(), m.getBody().getBytes(StandardCharsets.UTF_8)))
            .toList();
    List<String> failed = batch.applyUnordered(records);
    metrics.batch(
        records.size(),
        failed.size(),
        event.getRecords().stream().map(SqsAggregatorHandler::sentAt).filter(Objects::nonNull));
    return new SQSBatchResponse(
        failed.stream().map(SQSBatchResponse.BatchItemFailure::new).toList());
  }

  /** SQS's {@code SentTimestamp} attribute (epoch millis), when the event carries it. */
  private static Instant sentAt(SQSEvent.SQSMessage m) {
    Map<String, String> attributes = m.getAttributes();
    String sent = attributes == null ? null : attributes.get("SentTimestamp");
    try {
      return sent == null ? null : Instant.ofEpochMilli(Long.parseLong(sent));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
