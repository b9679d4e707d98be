package dev.tally.core.error;

/** Base of every Tally exception: unchecked, with a stable machine-readable code. */
public class TallyException extends RuntimeException {
  private final String code;

  public TallyException(String code, String message) {
    super(message);
    this.code = code;
  }

  public TallyException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** Stable, snake_case error code for API bodies and metrics. */
  public String code() {
    return code;
  }
}
