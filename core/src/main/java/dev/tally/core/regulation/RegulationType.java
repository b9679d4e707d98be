package dev.tally.core.regulation;

/** What a regulation asks for, named as in Segment's Public API. */
public enum RegulationType {
  /** Drop the subject's future events; delete nothing. */
  SUPPRESS(true, false),
  /** Drop the subject's future events and delete what Tally holds about them. */
  SUPPRESS_WITH_DELETE(true, true),
  /** Delete what Tally holds, without suppressing later events. */
  DELETE_ONLY(false, true),
  /** Lift an earlier suppression; deletes nothing. */
  UNSUPPRESS(false, false);

  private final boolean suppresses;
  private final boolean deletes;

  RegulationType(boolean suppresses, boolean deletes) {
    this.suppresses = suppresses;
    this.deletes = deletes;
  }

  public boolean suppresses() {
    return suppresses;
  }

  public boolean deletes() {
    return deletes;
  }
}
