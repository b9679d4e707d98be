package dev.tally.hooks;

/** A failed delivery to Tally; see the two subclasses for what to do about it. */
public abstract sealed class SendException extends RuntimeException
    permits RetryableSendException, PermanentSendException {

  protected SendException(String message, Throwable cause) {
    super(message, cause);
  }
}
