package dev.tally.query;

import dev.tally.core.agg.Counter;
import dev.tally.core.error.ValidationException;
import java.util.ArrayList;
import java.util.List;

/**
 * A time-series metric: a stored store-day counter, or one derived from them.
 *
 * @param id the {@code metric} parameter value
 * @param counter the stored counter, or null for a derived metric
 * @param unit {@code count}, {@code money} or {@code ratio}
 */
public record SeriesMetric(String id, Counter counter, String unit) {
  public static final String CONVERSION_RATE = "conversionRate";
  public static final String AVERAGE_ORDER_VALUE = "averageOrderValue";
  public static final String NET_REVENUE = "netRevenue";
  public static final String VISITORS = "visitors";
  public static final String SESSIONS = "sessions";
  public static final String NEW_VISITORS = "newVisitors";
  public static final String RETURNING_VISITORS = "returningVisitors";

  /** The metrics read from the acquisition totals. */
  static final List<String> ACQUISITION = List.of(SESSIONS, NEW_VISITORS, RETURNING_VISITORS);

  /** Every accepted metric id: the counters, then the derived metrics. */
  public static List<String> ids() {
    List<String> out = new ArrayList<>();
    for (Counter c : Counter.values()) {
      out.add(c.attribute());
    }
    out.addAll(List.of(CONVERSION_RATE, AVERAGE_ORDER_VALUE, NET_REVENUE, VISITORS));
    out.addAll(ACQUISITION);
    return out;
  }

  public static SeriesMetric parse(String id) {
    if (id == null || id.isBlank()) {
      throw new ValidationException(
          "invalid_metric", "metric is required; one of " + String.join(", ", ids()));
    }
    for (Counter c : Counter.values()) {
      if (c.attribute().equals(id)) {
        return new SeriesMetric(id, c, c.isMoney() ? "money" : "count");
      }
    }
    switch (id) {
      case CONVERSION_RATE:
        return new SeriesMetric(id, null, "ratio");
      case AVERAGE_ORDER_VALUE:
      case NET_REVENUE:
        return new SeriesMetric(id, null, "money");
      case VISITORS:
      case SESSIONS:
      case NEW_VISITORS:
      case RETURNING_VISITORS:
        return new SeriesMetric(id, null, "count");
      default:
        throw new ValidationException(
            "invalid_metric", "metric '" + id + "' is unknown; one of " + String.join(", ", ids()));
    }
  }
}
