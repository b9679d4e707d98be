package dev.tally.demostore;

/**
 * The store's database is busy or unavailable, or the order kept conflicting with others (HTTP
 * 503): retry later.
 */
public final class StoreBusyException extends StoreException {
  public StoreBusyException(String message, Throwable cause) {
    super(message, cause);
  }
}
