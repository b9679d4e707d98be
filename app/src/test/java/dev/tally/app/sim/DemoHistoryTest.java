package dev.tally.app.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.event.EventParser;
import dev.tally.core.event.ParseOptions;
import java.math.BigDecimal;
import java.net.URI;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo's history looks like a real small shop's, and never reaches past the present. */
class DemoHistoryTest {
  static final Instant NOW = Instant.parse("2026-11-30T14:37:12Z");
  static List<ObjectNode> events;

  static List<DemoHistory.Product> catalog() {
    List<DemoHistory.Product> catalog = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      catalog.add(
          new DemoHistory.Product(
              "print-" + i,
              "Print " + i,
              "Artist " + (i % 4),
              BigDecimal.valueOf(1800 + i * 250, 2)));
    }
    return catalog;
  }

  @BeforeAll
  static void generate() {
    events =
        new DemoHistory(7, 60, 120, NOW, catalog(), URI.create("http://localhost:8080")).generate();
  }

  private static Instant at(JsonNode e) {
    return Instant.parse(e.get("timestamp").asText());
  }

  @Test
  void coversSixtyDays_endingNow_andNothingIsInTheFuture() {
    assertThat(events).allSatisfy(e -> assertThat(at(e)).isBeforeOrEqualTo(NOW));
    Set<LocalDate> days =
        events.stream()
            .map(e -> LocalDate.ofInstant(at(e), ZoneOffset.UTC))
            .collect(Collectors.toSet());
    LocalDate today = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
    assertThat(days).hasSize(60).contains(today, today.minusDays(59));
    assertThat(events).isSortedAccordingTo((a, b) -> at(a).compareTo(at(b)));
  }

  @Test
  void purchaseConversion_isAFewPercent_andAboutAThirdAddToCart_whateverTheDay() {
    // The same seed lands on other weekdays and hours as the calendar moves: check several.
    for (String when :
        List.of(
            "2026-11-30T14:37:12Z",
            "2026-01-01T00:05:00Z",
            "2026-03-14T09:00:00Z",
            "2026-07-04T23:59:00Z",
            "2027-02-28T18:30:00Z")) {
      Instant now = Instant.parse(when);
      List<ObjectNode> all =
          new DemoHistory(7, 60, 120, now, catalog(), URI.create("http://localhost:8080"))
              .generate();
      for (int window : new int[] {60, 30}) {
        Instant from = now.minus(Duration.ofDays(window));
        List<ObjectNode> in = all.stream().filter(e -> at(e).isAfter(from)).toList();
        Set<String> visitors =
            in.stream().map(e -> e.get("anonymousId").asText()).collect(Collectors.toSet());
        double buyers = (double) devicesWith(in, "Order Completed").size() / visitors.size();
        double adders = (double) devicesWith(in, "Product Added").size() / visitors.size();
        assertThat(buyers)
            .as("buyers / visitors, %s days to %s", window, when)
            .isBetween(0.015, 0.04);
        assertThat(adders)
            .as("adders / visitors, %s days to %s", window, when)
            .isBetween(0.2, 0.42);
      }
    }
    Set<String> visitors =
        events.stream().map(e -> e.get("anonymousId").asText()).collect(Collectors.toSet());
    assertThat(visitors.size()).as("a few thousand visitors").isBetween(3_000, 12_000);
  }

  private static Set<String> devicesWith(List<ObjectNode> in, String event) {
    return in.stream()
        .filter(e -> event.equals(e.path("event").asText()))
        .map(e -> e.get("anonymousId").asText())
        .collect(Collectors.toSet());
  }

  @Test
  void weekendsAndEveningsAreBusier() {
    Map<Boolean, List<LocalDate>> byWeekend = new HashMap<>();
    Map<LocalDate, Integer> visitsPerDay = new HashMap<>();
    int evening = 0;
    int night = 0;
    LocalDate today = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
    for (JsonNode e : events) {
      if (!"page".equals(e.get("type").asText())) {
        continue;
      }
      LocalDate day = LocalDate.ofInstant(at(e), ZoneOffset.UTC);
      if (!day.equals(today)) {
        visitsPerDay.merge(day, 1, Integer::sum);
      }
      int hour = at(e).atZone(ZoneOffset.UTC).getHour();
      evening += hour >= 18 && hour <= 21 ? 1 : 0;
      night += hour >= 2 && hour <= 5 ? 1 : 0;
    }
    visitsPerDay
        .keySet()
        .forEach(
            d ->
                byWeekend
                    .computeIfAbsent(
                        d.getDayOfWeek() == DayOfWeek.SATURDAY
                            || d.getDayOfWeek() == DayOfWeek.SUNDAY,
                        k -> new ArrayList<>())
                    .add(d));
    double weekend = average(byWeekend.get(true), visitsPerDay);
    double weekday = average(byWeekend.get(false), visitsPerDay);
    assertThat(weekend).isGreaterThan(weekday * 1.1);
    assertThat(evening).isGreaterThan(night * 5);
  }

  private static double average(List<LocalDate> days, Map<LocalDate, Integer> perDay) {
    return days.stream().mapToInt(perDay::get).average().orElseThrow();
  }

  @Test
  void visitorsComeFromSeveralSourcesAndDevices_andSomeComeBack() {
    Set<String> sources = new HashSet<>();
    Set<String> agents = new HashSet<>();
    Map<String, Set<LocalDate>> daysPerVisitor = new HashMap<>();
    for (JsonNode e : events) {
      JsonNode page = e.path("context").path("page");
      String url = page.path("url").asText("");
      if (url.contains("utm_source=")) {
        sources.add(url.replaceAll(".*utm_source=([^&]*).*", "$1"));
      } else if (page.hasNonNull("referrer")) {
        sources.add(URI.create(page.get("referrer").asText()).getHost());
      } else if ("page".equals(e.get("type").asText())) {
        sources.add("direct");
      }
      agents.add(e.path("context").path("userAgent").asText());
      daysPerVisitor
          .computeIfAbsent(e.get("anonymousId").asText(), k -> new HashSet<>())
          .add(LocalDate.ofInstant(at(e), ZoneOffset.UTC));
    }
    assertThat(sources)
        .contains("direct", "www.google.com", "newsletter", "instagram", "google")
        .hasSizeGreaterThanOrEqualTo(6);
    assertThat(agents).anyMatch(a -> a.contains("iPhone")).anyMatch(a -> a.contains("Windows"));
    long returning = daysPerVisitor.values().stream().filter(d -> d.size() > 1).count();
    assertThat(returning).as("visitors seen on more than one day").isGreaterThan(200);
    assertThat(events).anyMatch(e -> e.hasNonNull("userId"));
  }

  @Test
  void everyEvent_isOneTheImportEndpointAccepts_andTheSameSeedGivesTheSameEvents() {
    EventParser parser =
        new EventParser(
            new ParseOptions(
                Duration.ofHours(24),
                ParseOptions.HISTORICAL_MAX_AGE,
                ParseOptions.DEFAULT_MAX_EVENT_BYTES));
    EventParser.BatchContext ctx = EventParser.BatchContext.at(NOW);
    for (ObjectNode e : events) {
      assertThatCode(() -> parser.parse(e, null, ctx, Currency.getInstance("USD")))
          .as("%s", e)
          .doesNotThrowAnyException();
    }
    List<DemoHistory.Product> one =
        List.of(new DemoHistory.Product("p", "P", null, new BigDecimal("10.00")));
    URI base = URI.create("http://x");
    assertThat(new DemoHistory(3, 5, 40, NOW, one, base).generate())
        .isEqualTo(new DemoHistory(3, 5, 40, NOW, one, base).generate());
  }
}
