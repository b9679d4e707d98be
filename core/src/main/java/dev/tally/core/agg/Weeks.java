package dev.tally.core.agg;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

/**
 * ISO weeks (Monday to Sunday) for the weekly roll-up of distinct-user sketches: a long range is
 * read as whole weeks plus the days at its edges, so a 90-day funnel merges ~25 sketches a step
 * instead of 90.
 */
public final class Weeks {
  private Weeks() {}

  /** The Monday that starts the week of {@code day}. */
  public static LocalDate start(LocalDate day) {
    return day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
  }

  /**
   * A day range as whole weeks plus edge days.
   *
   * @param firstWeek Monday of the first whole week, or null when the range holds none
   * @param lastWeek Monday of the last whole week, or null
   * @param edges inclusive day ranges ({@code [from, to]}) outside the whole weeks, in order
   */
  public record Cover(LocalDate firstWeek, LocalDate lastWeek, List<LocalDate[]> edges) {
    public boolean hasWeeks() {
      return firstWeek != null;
    }
  }

  public static Cover cover(LocalDate from, LocalDate to) {
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("from is after to");
    }
    LocalDate firstMonday = from.with(TemporalAdjusters.nextOrSame(DayOfWeek.MONDAY));
    LocalDate lastSunday = to.with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY));
    List<LocalDate[]> edges = new ArrayList<>();
    if (firstMonday.plusDays(6).isAfter(lastSunday)) {
      edges.add(new LocalDate[] {from, to});
      return new Cover(null, null, edges);
    }
    if (from.isBefore(firstMonday)) {
      edges.add(new LocalDate[] {from, firstMonday.minusDays(1)});
    }
    if (to.isAfter(lastSunday)) {
      edges.add(new LocalDate[] {lastSunday.plusDays(1), to});
    }
    return new Cover(firstMonday, lastSunday.minusDays(6), edges);
  }
}
