package dev.tally.demostore;

/** A failure of the demo store; {@link DemoStoreRoutes} maps each subclass to one HTTP status. */
public abstract sealed class StoreException extends RuntimeException
    permits InvalidOrderException, OutOfStockException, NotFoundException, StoreBusyException {
  protected StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
