package dev.tally.core.item;

/** A guard on one write: the write (and its whole transaction) happens only if it holds. */
public sealed interface Condition {
  /** No guard. */
  Condition NONE = new None();

  /** The item must not exist. */
  Condition ABSENT = new ItemAbsent();

  /** The item must exist. */
  Condition EXISTS = new ItemExists();

  /** Optimistic concurrency: {@code attr} equals {@code expected}, or is absent when null. */
  static Condition versionIs(String attr, Long expected) {
    return expected == null ? new AttrAbsent(attr) : new NumEquals(attr, expected);
  }

  /** The numeric attribute exists and is at least {@code min} (stock checks). */
  static Condition atLeast(String attr, long min) {
    return new NumAtLeast(attr, min);
  }

  /** Holds for any item, present or not. */
  record None() implements Condition {}

  /** Holds if the item does not exist. */
  record ItemAbsent() implements Condition {}

  /** Holds if the item exists. */
  record ItemExists() implements Condition {}

  /** Holds if the attribute is absent (or the whole item is). */
  record AttrAbsent(String attr) implements Condition {}

  /** Holds if the numeric attribute exists and equals {@code value}. */
  record NumEquals(String attr, long value) implements Condition {}

  /** Holds if the numeric attribute exists and is at least {@code value}. */
  record NumAtLeast(String attr, long value) implements Condition {}

  /** Whether the condition holds for {@code current} (null: the item does not exist). */
  default boolean test(Item current) {
    if (this instanceof ItemAbsent) {
      return current == null;
    }
    if (this instanceof ItemExists) {
      return current != null;
    }
    if (this instanceof AttrAbsent a) {
      return current == null || !current.has(a.attr());
    }
    if (this instanceof NumEquals e) {
      Long v = current == null ? null : current.numOrNull(e.attr());
      return v != null && v == e.value();
    }
    if (this instanceof NumAtLeast m) {
      Long v = current == null ? null : current.numOrNull(m.attr());
      return v != null && v >= m.value();
    }
    return true;
  }
}
