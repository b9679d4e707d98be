package dev.tally.demostore;

/** No such product or order (HTTP 404). */
public final class NotFoundException extends StoreException {
  public NotFoundException(String message) {
    super(message, null);
  }
}
