package dev.tally.core.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.core.time.DayBucketer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class DayBucketingTest {
  @Test
  void theDayIsTheStoresLocalDate() {
    Instant t = Instant.parse("2026-11-21T07:30:00Z");
    assertThat(DayBucketer.day(t, ZoneId.of("UTC"))).isEqualTo(LocalDate.parse("2026-11-21"));
    assertThat(DayBucketer.day(t, ZoneId.of("America/Los_Angeles")))
        .isEqualTo(LocalDate.parse("2026-11-20"));
    assertThat(
            DayBucketer.day(Instant.parse("2026-11-21T11:30:00Z"), ZoneId.of("Pacific/Auckland")))
        .isEqualTo(LocalDate.parse("2026-11-22"));
    assertThat(DayBucketer.dayKey(LocalDate.parse("2026-11-02"))).isEqualTo("DAY#2026-11-02");
  }

  @Test
  void packer_respectsTheSizeLimit_andKeepsEveryEventOnce() throws Exception {
    EventParser p = new EventParser(ParseOptions.live());
    java.util.List<Event> events = new java.util.ArrayList<>();
    for (int i = 0; i < 300; i++) {
      events.add(
          p.parse(
              Json.mapper()
                  .readTree(
                      "{\"userId\":\"u"
                          + (i % 7)
                          + "\",\"messageId\":\"m"
                          + i
                          + "\",\"event\":\"E\",\"properties\":{\"pad\":\""
                          + "x".repeat(200)
                          + "\"}}"),
              "track",
              EventParser.BatchContext.at(Instant.now()),
              java.util.Currency.getInstance("USD")));
    }
    var packed = LogPacker.pack("demo", events, 8 * 1024, e -> e.header().userId());
    assertThat(packed)
        .allSatisfy(
            x -> assertThat(EventCodec.encode(x.entry()).length).isLessThanOrEqualTo(8 * 1024));
    assertThat(packed)
        .allSatisfy(
            x ->
                assertThat(x.entry().events())
                    .allMatch(e -> e.header().userId().equals(x.groupKey())));
    assertThat(
            packed.stream()
                .flatMap(x -> x.entry().events().stream())
                .map(Event::messageId)
                .sorted()
                .toList())
        .isEqualTo(events.stream().map(Event::messageId).sorted().toList());
  }
}
