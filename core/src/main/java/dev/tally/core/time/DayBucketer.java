package dev.tally.core.time;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/** Maps instants to the store's local calendar day, the unit every metric is kept in. */
public final class DayBucketer {
  private DayBucketer() {}

  public static LocalDate day(Instant at, ZoneId zone) {
    return LocalDate.ofInstant(at, zone);
  }

  /** The {@code DAY#YYYY-MM-DD} sort-key form of a day. */
  public static String dayKey(LocalDate day) {
    return "DAY#" + day;
  }
}
