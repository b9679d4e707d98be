package dev.tally.bench.peers;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * One merchant question over the last {@code days} days ending {@code lastDay}, asked of every
 * engine.
 */
public record Question(Kind kind, int days, LocalDate lastDay, String userId) {

  /** The five questions. */
  public enum Kind {
    FUNNEL("funnel distinct per step"),
    USER_HISTORY("one user's daily history"),
    REVENUE_BY_DAY("revenue by day"),
    TOP_PRODUCTS("top 10 products by revenue"),
    SUMMARY("KPI summary");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public LocalDate from() {
    return lastDay.minusDays(days - 1L);
  }

  public LocalDate to() {
    return lastDay;
  }

  /** The summary's comparison period: the same number of days just before. */
  public LocalDate previousFrom() {
    return from().minusDays(days);
  }

  public String label() {
    return kind.label() + ", " + days + " days";
  }

  /** The five questions over 90 and over 30 days. */
  public static List<Question> all(LocalDate lastDay, String userId) {
    List<Question> out = new ArrayList<>();
    for (int days : new int[] {90, 30}) {
      for (Kind k : Kind.values()) {
        out.add(new Question(k, days, lastDay, userId));
      }
    }
    return out;
  }
}
