package dev.tally.aggregator.rebuild;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.event.Event;
import dev.tally.core.event.Json;
import dev.tally.core.event.LogEntry;
import dev.tally.core.regulation.SuppressionList;
import dev.tally.core.store.Store;
import dev.tally.testkit.metrics.RawEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What a rebuild applies of a log entry; the embedded and the Flink rebuild share it. */
class RebuildFilterTest {
  static final Store TEES = Store.of("tees", "America/Los_Angeles", "USD", List.of());

  /** March 2025, as the CLI widens it: Monday 24 February to Sunday 6 April. */
  static final RebuildRange MARCH =
      RebuildRange.weeks("tees", LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 31));

  static Event track(String id, String anon, String user, Instant at) {
    return new RawEvent(
            "track",
            id,
            anon,
            user,
            "Product Viewed",
            Json.mapper().createObjectNode(),
            null,
            at,
            Duration.ZERO)
        .toEvent();
  }

  static Event identify(String id, String anon, String user, Instant at) {
    return new RawEvent("identify", id, anon, user, null, null, null, at, Duration.ZERO).toEvent();
  }

  static List<String> ids(List<Event> events) {
    return events.stream().map(Event::messageId).toList();
  }

  @Test
  void activityCountsByItsStoreLocalDay_identityEventsWhateverTheirDay() {
    LogEntry entry =
        new LogEntry(
            "e1",
            "tees",
            List.of(
                // 7 April 05:00 UTC is still Sunday 6 April in Los Angeles: in the range.
                track("in-late", "a1", null, Instant.parse("2025-04-07T05:00:00Z")),
                // 8 April in Los Angeles: after it.
                track("after", "a1", null, Instant.parse("2025-04-08T12:00:00Z")),
                track("before", "a1", null, Instant.parse("2025-02-20T12:00:00Z")),
                identify("link", "a1", "u1", Instant.parse("2025-01-05T12:00:00Z"))));

    List<Event> wanted = new RebuildFilter(TEES, MARCH, SuppressionList.NONE).wanted(entry);

    assertThat(ids(wanted)).containsExactly("in-late", "link");
  }

  @Test
  void otherStoresEntries_andSuppressedPeople_areLeftOut() {
    Instant march = Instant.parse("2025-03-10T12:00:00Z");
    SuppressionList suppressedU2 =
        new SuppressionList() {
          @Override
          public Set<String> suppressedAmong(String store, Collection<String> ids) {
            return ids.stream()
                .filter(id -> store.equals("tees") && id.equals("u2"))
                .collect(Collectors.toSet());
          }

          @Override
          public void suppress(String store, Collection<String> ids) {}

          @Override
          public void unsuppress(String store, Collection<String> ids) {}
        };
    RebuildFilter filter = new RebuildFilter(TEES, MARCH, suppressedU2);

    assertThat(filter.wanted(new LogEntry("e1", "prints", List.of(track("p", "a", null, march)))))
        .isEmpty();
    assertThat(
            ids(
                filter.wanted(
                    new LogEntry(
                        "e2",
                        "tees",
                        List.of(
                            track("kept", "a1", "u1", march),
                            track("theirs", "a2", "u2", march),
                            identify("their-link", "a2", "u2", march))))))
        .containsExactly("kept");
  }
}
