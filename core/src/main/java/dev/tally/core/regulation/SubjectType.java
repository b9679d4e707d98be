package dev.tally.core.regulation;

/** Which kind of id a regulation names. */
public enum SubjectType {
  /** A signed-in user's id: their linked anonymous ids are included. */
  USER_ID,
  /** One device's anonymous id. */
  ANONYMOUS_ID
}
