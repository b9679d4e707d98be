package dev.tally.flink.internal;

import dev.tally.aggregator.DeadLetters;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters when the job has no dead-letter queue: each is logged at ERROR with its reason and
 * its body (Base64), so it can be found and replayed. The job never stalls on a record that can
 * never be applied.
 */
public final class LoggedDeadLetters implements DeadLetters {
  private static final Logger LOG = LoggerFactory.getLogger(LoggedDeadLetters.class);

  @Override
  public void keep(String sourceId, byte[] body, String reason) {
    LOG.error(
        "dead letter {} (no dead-letter queue configured): {}; body (base64): {}",
        sourceId,
        reason,
        Base64.getEncoder().encodeToString(body));
  }
}
