package dev.tally.query;

import dev.tally.core.error.ValidationException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An inclusive range of store-local days, at most 366 days long. */
public record DateRange(LocalDate from, LocalDate to) {
  public static final int MAX_DAYS = 366;

  public DateRange {
    if (from.isAfter(to)) {
      throw new ValidationException(
          "invalid_range", "from (" + from + ") is after to (" + to + ")");
    }
    if (ChronoUnit.DAYS.between(from, to) + 1 > MAX_DAYS) {
      throw new ValidationException(
          "invalid_range",
          "the range is " + (ChronoUnit.DAYS.between(from, to) + 1) + " days; at most " + MAX_DAYS);
    }
  }

  /** Reads {@code from} and {@code to} from query parameters, with errors naming the parameter. */
  public static DateRange parse(Map<String, String> query) {
    return new DateRange(day(query, "from"), day(query, "to"));
  }

  private static LocalDate day(Map<String, String> query, String name) {
    String v = query.get(name);
    if (v == null || v.isBlank()) {
      throw new ValidationException("invalid_range", name + " is required (YYYY-MM-DD)");
    }
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw new ValidationException(
          "invalid_range", name + " '" + v + "' is not a date (YYYY-MM-DD)");
    }
  }

  public long days() {
    return ChronoUnit.DAYS.between(from, to) + 1;
  }

  public List<LocalDate> each() {
    List<LocalDate> out = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      out.add(d);
    }
    return out;
  }

  /** The range of equal length just before this one. */
  public DateRange previous() {
    return new DateRange(from.minusDays(days()), from.minusDays(1));
  }
}
