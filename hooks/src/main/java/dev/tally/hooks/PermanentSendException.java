package dev.tally.hooks;

/** A delivery the server rejected for good (a 4xx other than 429): resending cannot help. */
public final class PermanentSendException extends SendException {
  private final int status;

  public PermanentSendException(String message, int status) {
    super(message, null);
    this.status = status;
  }

  /** The HTTP status the server answered. */
  public int status() {
    return status;
  }
}
