package dev.tally.demostore;

/** The request is malformed or names an unknown product (HTTP 400). Not retryable. */
public final class InvalidOrderException extends StoreException {
  public InvalidOrderException(String message) {
    super(message, null);
  }
}
