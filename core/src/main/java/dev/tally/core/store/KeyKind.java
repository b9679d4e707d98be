package dev.tally.core.store;

/** What a store key may do: write events, or read metrics. Never both. */
public enum KeyKind {
  WRITE,
  READ
}
