package dev.tally.core.error;

/** The addressed resource does not exist (or is not visible to this caller). */
public class NotFoundException extends TallyException {
  public NotFoundException(String message) {
    super("not_found", message);
  }
}
