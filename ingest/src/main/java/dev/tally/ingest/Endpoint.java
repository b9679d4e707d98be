package dev.tally.ingest;

/** The tracking API's endpoints. Single-call endpoints imply the event type. */
public enum Endpoint {
  TRACK("track"),
  PAGE("page"),
  IDENTIFY("identify"),
  ALIAS("alias"),
  BATCH(null),
  IMPORT(null);

  private final String impliedType;

  Endpoint(String impliedType) {
    this.impliedType = impliedType;
  }

  public String impliedType() {
    return impliedType;
  }

  public boolean isBatch() {
    return impliedType == null;
  }

  /** The endpoint for a path segment such as {@code track} or {@code import}. */
  public static Endpoint of(String segment) {
    return switch (segment) {
      case "track" -> TRACK;
      case "page" -> PAGE;
      case "identify" -> IDENTIFY;
      case "alias" -> ALIAS;
      case "batch" -> BATCH;
      case "import" -> IMPORT;
      default -> throw new IllegalArgumentException(segment);
    };
  }
}
