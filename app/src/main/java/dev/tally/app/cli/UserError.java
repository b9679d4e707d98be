package dev.tally.app.cli;

/** A problem the user can fix, reported as its message alone (no stack trace), exit code 2. */
public final class UserError extends RuntimeException {
  public UserError(String message) {
    super(message, null, false, false);
  }
}
