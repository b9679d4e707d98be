package dev.tally.core.agg;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PeriodsTest {
  @Test
  void everyDayOfAnyRange_isCoveredExactlyOnce_byWholeMonthsWeeksAndDays() {
    Random rnd = new Random(18);
    for (int i = 0; i < 2_000; i++) {
      LocalDate from = LocalDate.of(2024, 1, 1).plusDays(rnd.nextInt(800));
      LocalDate to = from.plusDays(rnd.nextInt(200));
      LocalDate next = from;
      for (Periods.Part p : Periods.cover(from, to)) {
        assertThat(p.start()).isEqualTo(next);
        assertThat(p.end()).isBeforeOrEqualTo(to);
        switch (p.kind()) {
          case MONTH -> assertThat(p.start().getDayOfMonth()).isEqualTo(1);
          case WEEK -> assertThat(p.start().getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
          case DAY -> {}
        }
        next = p.end().plusDays(1);
      }
      assertThat(next).isEqualTo(to.plusDays(1));
    }
  }

  @Test
  void ninetyDays_readAsAFewMonthsWeeksAndEdgeDays_notNinetyParts() {
    List<Periods.Part> parts = Periods.cover(LocalDate.of(2026, 9, 2), LocalDate.of(2026, 11, 30));
    // Sep 2-6, the weeks of Sep 7, 14 and 21, Sep 28-30, October, November.
    assertThat(parts).hasSize(5 + 3 + 3 + 2);
    assertThat(parts).extracting(Periods.Part::kind).contains(Periods.Kind.MONTH);
  }

  @Test
  void aRangeInsideOneWeek_isItsDays() {
    assertThat(Periods.cover(LocalDate.of(2026, 11, 3), LocalDate.of(2026, 11, 5)))
        .extracting(Periods.Part::kind)
        .containsExactly(Periods.Kind.DAY, Periods.Kind.DAY, Periods.Kind.DAY);
  }
}
