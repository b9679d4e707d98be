package dev.tally.flink;

import dev.tally.aggregator.lambda.LogBatch;
import java.io.Serializable;

/**
 * Builds the aggregator a sink subtask applies batches with. Serializable because Flink ships it to
 * the task managers; the clients it builds are not, so {@link #open} runs there, once per subtask.
 * Production wiring: {@link DynamoDbWiring}.
 */
@FunctionalInterface
public interface AggregatorWiring extends Serializable {

  /** The aggregator for one subtask, and what to close when the subtask stops. */
  record Wired(LogBatch batch, AutoCloseable resources) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      resources.close();
    }
  }

  Wired open(JobConfig config);
}
