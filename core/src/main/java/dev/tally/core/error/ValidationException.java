package dev.tally.core.error;

/** Input that can never become valid by retrying: the caller must change the request. */
public class ValidationException extends TallyException {
  public ValidationException(String code, String message) {
    super(code, message);
  }
}
