package dev.tally.demostore;

/** DynamoDB is throttling or the order kept conflicting with others (HTTP 503): retry later. */
public final class StoreBusyException extends StoreException {
  public StoreBusyException(String message, Throwable cause) {
    super(message, cause);
  }
}
