package dev.tally.core.item;

import java.util.Arrays;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * One attribute value of an item: a number, a string, bytes, a set of 8-byte marks, or a set of
 * strings.
 */
public sealed interface AttrValue {

  static Num num(long v) {
    return new Num(v);
  }

  static Str str(String v) {
    return new Str(v);
  }

  static Bin bin(byte[] v) {
    return new Bin(v);
  }

  static Marks marks(Set<Long> v) {
    return new Marks(v);
  }

  static StrSet strs(Set<String> v) {
    return new StrSet(v);
  }

  /** A whole number (counters, versions, epoch millis). */
  record Num(long value) implements AttrValue {}

  /** A string. */
  record Str(String value) implements AttrValue {
    public Str {
      if (value == null) {
        throw new IllegalArgumentException("string value is required");
      }
    }
  }

  /** Bytes (sketches); compared by content. */
  record Bin(byte[] value) implements AttrValue {
    public Bin {
      if (value == null) {
        throw new IllegalArgumentException("binary value is required");
      }
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    /** The bytes without a copy; callers must not change them. */
    public byte[] unsafeBytes() {
      return value;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bin b && Arrays.equals(value, b.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Bin[" + value.length + " bytes]";
    }
  }

  /** A set of 8-byte marks (message-id hashes); DynamoDB stores it as a binary set. */
  record Marks(Set<Long> values) implements AttrValue {
    public Marks {
      values = Collections.unmodifiableSet(new TreeSet<>(values));
      if (values.isEmpty()) {
        throw new IllegalArgumentException("a mark set is never empty");
      }
    }
  }

  /** A non-empty set of strings (a store's allowed origins); DynamoDB's string set. */
  record StrSet(Set<String> values) implements AttrValue {
    public StrSet {
      values = Collections.unmodifiableSet(new TreeSet<>(values));
      if (values.isEmpty()) {
        throw new IllegalArgumentException("a string set is never empty");
      }
    }
  }
}
