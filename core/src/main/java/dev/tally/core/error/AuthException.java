package dev.tally.core.error;

/** A missing, unknown or wrongly-scoped key. {@code forbidden} distinguishes 403 from 401. */
public class AuthException extends TallyException {
  private final boolean forbidden;

  private AuthException(String code, String message, boolean forbidden) {
    super(code, message);
    this.forbidden = forbidden;
  }

  public static AuthException missing(String what) {
    return new AuthException("missing_key", what + " is required", false);
  }

  public static AuthException unknown(String what) {
    return new AuthException("invalid_key", what + " is not valid", false);
  }

  public static AuthException forbidden(String message) {
    return new AuthException("forbidden", message, true);
  }

  /** A malformed Authorization header: a 401 that says what is wrong with it. */
  public static final class Malformed extends AuthException {
    public Malformed(String message) {
      super("malformed_authorization", message, false);
    }
  }

  public boolean forbidden() {
    return forbidden;
  }
}
