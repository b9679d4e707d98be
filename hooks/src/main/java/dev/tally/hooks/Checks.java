package dev.tally.hooks;

/** Argument checks shared by the records of this package. */
final class Checks {
  private Checks() {}

  static String notBlank(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " cannot be null or empty.");
    }
    return value;
  }

  static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
