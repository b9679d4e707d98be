package dev.tally.core.error;

/** A request or event over a size limit. */
public class PayloadTooLargeException extends ValidationException {
  public PayloadTooLargeException(String message) {
    super("payload_too_large", message);
  }
}
