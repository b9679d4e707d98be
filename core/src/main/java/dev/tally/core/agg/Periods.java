package dev.tally.core.agg;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

/**
 * A day range as whole calendar months, whole ISO weeks and single days: the partitions of the
 * product roll-ups to read, so a 90-day top-products query reads a dozen or two partitions instead
 * of 90. Every day of the range is covered exactly once.
 */
public final class Periods {
  private Periods() {}

  /** What one part of a cover is: a calendar month, an ISO week or one day. */
  public enum Kind {
    MONTH,
    WEEK,
    DAY
  }

  /**
   * One part of a cover.
   *
   * @param start the month's first day, the week's Monday or the day
   */
  public record Part(Kind kind, LocalDate start) {
    /** The last day of the part (inclusive). */
    public LocalDate end() {
      return switch (kind) {
        case MONTH -> start.with(TemporalAdjusters.lastDayOfMonth());
        case WEEK -> start.plusDays(6);
        case DAY -> start;
      };
    }
  }

  /**
   * Cover of {@code [from, to]}: the whole calendar months inside it, and on each side of them (or
   * over the whole range when it holds no whole month) whole ISO weeks plus the days around them.
   */
  public static List<Part> cover(LocalDate from, LocalDate to) {
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("from is after to");
    }
    LocalDate firstMonth =
        from.getDayOfMonth() == 1 ? from : from.with(TemporalAdjusters.firstDayOfNextMonth());
    LocalDate afterLastMonth = to.plusDays(1).withDayOfMonth(1);
    List<Part> out = new ArrayList<>();
    if (firstMonth.isBefore(afterLastMonth)) {
      weeksAndDays(from, firstMonth.minusDays(1), out);
      for (LocalDate m = firstMonth; m.isBefore(afterLastMonth); m = m.plusMonths(1)) {
        out.add(new Part(Kind.MONTH, m));
      }
      weeksAndDays(afterLastMonth, to, out);
    } else {
      weeksAndDays(from, to, out);
    }
    return out;
  }

  /** Cover of {@code [from, to]} by whole ISO weeks and single days only (no months). */
  public static List<Part> weeksAndDays(LocalDate from, LocalDate to) {
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("from is after to");
    }
    List<Part> out = new ArrayList<>();
    weeksAndDays(from, to, out);
    return out;
  }

  /** Whole weeks inside {@code [from, to]} plus the days before and after them (none if empty). */
  private static void weeksAndDays(LocalDate from, LocalDate to, List<Part> out) {
    LocalDate d = from;
    while (!d.isAfter(to)) {
      Part p =
          d.getDayOfWeek() == DayOfWeek.MONDAY && !d.plusDays(6).isAfter(to)
              ? new Part(Kind.WEEK, d)
              : new Part(Kind.DAY, d);
      out.add(p);
      d = p.end().plusDays(1);
    }
  }
}
