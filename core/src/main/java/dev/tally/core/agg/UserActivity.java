package dev.tally.core.agg;

import java.time.Instant;
import java.util.Objects;

/** What one person did on one day: counters plus the first and last time seen. */
public record UserActivity(Counts<Counter> counts, Instant firstSeen, Instant lastSeen) {
  public UserActivity {
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(firstSeen, "firstSeen");
    Objects.requireNonNull(lastSeen, "lastSeen");
  }

  public UserActivity merge(UserActivity o) {
    return new UserActivity(
        counts.plus(o.counts),
        firstSeen.isBefore(o.firstSeen) ? firstSeen : o.firstSeen,
        lastSeen.isAfter(o.lastSeen) ? lastSeen : o.lastSeen);
  }
}
