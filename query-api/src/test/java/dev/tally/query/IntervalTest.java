package dev.tally.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.core.error.ValidationException;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class IntervalTest {
  static DateRange range(String from, String to) {
    return new DateRange(LocalDate.parse(from), LocalDate.parse(to));
  }

  @Test
  void weeks_startOnMonday_andTheEndsAreClippedToTheRange() {
    var b = Interval.WEEK.buckets(range("2026-11-04", "2026-11-17"));
    assertThat(b)
        .extracting(Interval.Bucket::start)
        .map(LocalDate::toString)
        .containsExactly("2026-11-04", "2026-11-09", "2026-11-16");
    assertThat(b)
        .extracting(Interval.Bucket::end)
        .map(LocalDate::toString)
        .containsExactly("2026-11-08", "2026-11-15", "2026-11-17");
  }

  @Test
  void months_followTheCalendar_includingLeapFebruary() {
    var b = Interval.MONTH.buckets(range("2028-01-15", "2028-03-01"));
    assertThat(b)
        .extracting(x -> x.start() + ".." + x.end())
        .containsExactly(
            "2028-01-15..2028-01-31", "2028-02-01..2028-02-29", "2028-03-01..2028-03-01");
  }

  @Test
  void days_areOneBucketEach_andCoverTheRange() {
    assertThat(Interval.DAY.buckets(range("2026-12-30", "2027-01-02"))).hasSize(4);
    assertThat(
            Interval.WEEK.buckets(range("2026-01-01", "2026-12-31")).stream()
                .mapToLong(x -> x.end().toEpochDay() - x.start().toEpochDay() + 1)
                .sum())
        .isEqualTo(365);
  }

  @Test
  void parse_defaultsToDay_andRejectsOthersByName() {
    assertThat(Interval.parse(null)).isEqualTo(Interval.DAY);
    assertThat(Interval.parse("week")).isEqualTo(Interval.WEEK);
    assertThatThrownBy(() -> Interval.parse("WEEK"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'WEEK'");
  }
}
