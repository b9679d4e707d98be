package dev.tally.query;

import dev.tally.core.error.ValidationException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Time-series bucket sizes. Weeks start on Monday (ISO 8601). */
public enum Interval {
  DAY,
  WEEK,
  MONTH;

  /** A bucket: its first and last day, both inside the queried range. */
  public record Bucket(LocalDate start, LocalDate end) {
    public boolean contains(LocalDate day) {
      return !day.isBefore(start) && !day.isAfter(end);
    }
  }

  /** Parses {@code day|week|month}; absent means {@code day}. */
  public static Interval parse(String value) {
    if (value == null || value.isBlank()) {
      return DAY;
    }
    for (Interval i : values()) {
      if (i.id().equals(value)) {
        return i;
      }
    }
    throw new ValidationException(
        "invalid_interval", "interval '" + value + "' must be day, week or month");
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The calendar start of the bucket holding {@code day}, before clipping to a range. */
  public LocalDate startOf(LocalDate day) {
    if (this == WEEK) {
      return day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    }
    if (this == MONTH) {
      return day.withDayOfMonth(1);
    }
    return day;
  }

  /** The range cut into buckets, in order; the first and last are clipped to the range. */
  public List<Bucket> buckets(DateRange range) {
    List<Bucket> out = new ArrayList<>();
    LocalDate start = range.from();
    while (!start.isAfter(range.to())) {
      LocalDate next = next(startOf(start));
      LocalDate end = next.minusDays(1).isAfter(range.to()) ? range.to() : next.minusDays(1);
      out.add(new Bucket(start, end));
      start = next;
    }
    return out;
  }

  private LocalDate next(LocalDate calendarStart) {
    if (this == WEEK) {
      return calendarStart.plusWeeks(1);
    }
    if (this == MONTH) {
      return calendarStart.plusMonths(1);
    }
    return calendarStart.plusDays(1);
  }
}
