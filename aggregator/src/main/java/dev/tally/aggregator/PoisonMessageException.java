package dev.tally.aggregator;

import dev.tally.core.error.TallyException;

/** A log message that can never be applied (undecodable, unknown store): it goes to the DLQ. */
public class PoisonMessageException extends TallyException {
  public PoisonMessageException(String message, Throwable cause) {
    super("poison_message", message, cause);
  }
}
