package dev.tally.aggregator;

/**
 * Port: keeps a log record that can never be applied, with the reason, for inspection. Throws an
 * unchecked exception when the record could not be kept; the caller then retries it instead.
 */
public interface DeadLetters {
  /**
   * @param sourceId the record's id in its log (SQS message id, Kinesis sequence number)
   * @param body the record exactly as received
   * @param reason why it can never be applied
   */
  void keep(String sourceId, byte[] body, String reason);
}
