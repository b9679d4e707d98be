package dev.tally.core.agg;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WeeksTest {
  static LocalDate d(String s) {
    return LocalDate.parse(s);
  }

  @Test
  void aRange_isCoveredByWholeWeeksAndEdgeDays_eachDayExactlyOnce() {
    for (int len = 1; len <= 120; len++) {
      for (int shift = 0; shift < 7; shift++) {
        LocalDate from = d("2026-08-01").plusDays(shift);
        LocalDate to = from.plusDays(len - 1L);
        Weeks.Cover c = Weeks.cover(from, to);
        Set<LocalDate> seen = new HashSet<>();
        int count = 0;
        if (c.hasWeeks()) {
          for (LocalDate w = c.firstWeek(); !w.isAfter(c.lastWeek()); w = w.plusWeeks(1)) {
            assertThat(w.getDayOfWeek().getValue()).isEqualTo(1);
            for (int i = 0; i < 7; i++) {
              seen.add(w.plusDays(i));
              count++;
            }
          }
        }
        for (LocalDate[] e : c.edges()) {
          for (LocalDate x = e[0]; !x.isAfter(e[1]); x = x.plusDays(1)) {
            seen.add(x);
            count++;
          }
        }
        assertThat(count).as("no day twice").isEqualTo(len);
        assertThat(seen).hasSize(len).allMatch(x -> !x.isBefore(from) && !x.isAfter(to));
        assertThat(c.edges().size()).isLessThanOrEqualTo(2);
      }
    }
  }

  @Test
  void ninetyDays_readAbout25SketchesInsteadOf90() {
    Weeks.Cover c = Weeks.cover(d("2026-08-24"), d("2026-11-21"));
    long weeks = java.time.temporal.ChronoUnit.WEEKS.between(c.firstWeek(), c.lastWeek()) + 1;
    long edgeDays =
        c.edges().stream()
            .mapToLong(e -> java.time.temporal.ChronoUnit.DAYS.between(e[0], e[1]) + 1)
            .sum();
    assertThat(weeks + edgeDays).isLessThanOrEqualTo(25);
    assertThat(Weeks.start(d("2026-11-22"))).isEqualTo(d("2026-11-16"));
  }
}
