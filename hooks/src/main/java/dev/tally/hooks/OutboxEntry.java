package dev.tally.hooks;

import java.util.Objects;

/** A pending outbox item: its sort key (its identity in the outbox) and the event it carries. */
public record OutboxEntry(String sortKey, OrderEvent event) {
  public OutboxEntry {
    sortKey = Checks.notBlank(sortKey, "sortKey");
    Objects.requireNonNull(event, "event cannot be null");
  }
}
